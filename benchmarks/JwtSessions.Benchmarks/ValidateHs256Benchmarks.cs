// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*ValidateHs256Benchmarks*'
using System.IdentityModel.Tokens.Jwt;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.IdentityModel.JsonWebTokens;

namespace JwtSessions.Benchmarks;

/// <summary>
/// HS256 validation of an <c>Authorization: Bearer</c> header, against the cost of the HMAC itself. The baseline is the floor
/// no validator can beat: one keyed HMAC-SHA256 instance, reused, over the same signing input.
/// </summary>
[MemoryDiagnoser]
public class ValidateHs256Benchmarks
{
    private BenchmarkFixture _fixture = null!;
    private HMACSHA256 _keyedHmac = null!;
    private readonly byte[] _mac = new byte[32];
    private readonly JsonWebTokenHandler _jsonWebTokenHandler = new();
    private readonly JwtSecurityTokenHandler _jwtSecurityTokenHandler = new() { MapInboundClaims = false };

    [GlobalSetup]
    public void Setup()
    {
        _fixture = BenchmarkFixture.Create(JwtAlgorithm.HS256);
        _keyedHmac = new HMACSHA256(_fixture.Secret!);
        BenchmarkFixture.EnsureValid(_fixture.ColdValidator.ValidateAuthorizationHeader(_fixture.BearerHeader), "cold");
        BenchmarkFixture.EnsureValid(_fixture.CachedValidator.ValidateAuthorizationHeader(_fixture.BearerHeader), "cached");
        if (!_jsonWebTokenHandler.ValidateTokenAsync(_fixture.Token, _fixture.IdentityModelParameters).Result.IsValid)
        {
            throw new InvalidOperationException("JsonWebTokenHandler rejects the benchmark token.");
        }

        _jwtSecurityTokenHandler.ValidateToken(_fixture.Token, _fixture.IdentityModelParameters, out _);
    }

    [GlobalCleanup]
    public void Cleanup() => _keyedHmac.Dispose();

    /// <summary>Floor: a reused keyed HMAC-SHA256 over the signing input (header.payload), nothing else.</summary>
    [Benchmark(Baseline = true)]
    public bool KeyedHmacFloor() => _keyedHmac.TryComputeHash(_fixture.SigningInput, _mac, out _);

    /// <summary>Floor without a reusable instance: the one-shot HMACSHA256.HashData, which sets the key up every call.</summary>
    [Benchmark]
    public int HashDataFloor() => HMACSHA256.HashData(_fixture.Secret!, _fixture.SigningInput, _mac);

    /// <summary>Ours, every check, no verified-token cache.</summary>
    [Benchmark]
    [AllocationBudget(AllocationBudgets.ColdValidation)]
    public JwtValidationResult OursCold() => _fixture.ColdValidator.ValidateAuthorizationHeader(_fixture.BearerHeader);

    /// <summary>
    /// Ours, every check, no cache, into a caller's buffer, reading every standard claim as a request handler would: the
    /// allocation-free overload.
    /// </summary>
    [Benchmark]
    [AllocationBudget(0)]
    public int OursColdIntoBuffer() => _fixture.ValidateIntoBuffer();

    /// <summary>Ours from UTF-8 header bytes, as a server reads them off the wire.</summary>
    [Benchmark]
    [AllocationBudget(AllocationBudgets.ColdValidation)]
    public JwtValidationResult OursColdUtf8() => _fixture.ColdValidator.ValidateAuthorizationHeader(_fixture.BearerHeaderUtf8);

    /// <summary>Ours, the same token again: a verified-token cache hit (lifetime and revocation still checked).</summary>
    [Benchmark]
    [AllocationBudget(0)]
    public JwtValidationResult OursCached() => _fixture.CachedValidator.ValidateAuthorizationHeader(_fixture.BearerHeader);

    [Benchmark]
    public Task<Microsoft.IdentityModel.Tokens.TokenValidationResult> JsonWebTokenHandler()
        => _jsonWebTokenHandler.ValidateTokenAsync(_fixture.Token, _fixture.IdentityModelParameters);

    [Benchmark]
    public System.Security.Claims.ClaimsPrincipal JwtSecurityTokenHandler()
        => _jwtSecurityTokenHandler.ValidateToken(_fixture.Token, _fixture.IdentityModelParameters, out _);
}
