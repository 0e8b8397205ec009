// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*RejectBenchmarks*'
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.IdentityModel.JsonWebTokens;

namespace JwtSessions.Benchmarks;

/// <summary>
/// Garbage must be cheap to refuse: format and size rejects cost no cryptography and allocate nothing, and a forged signature
/// costs exactly one verification. The baseline is one keyed HMAC-SHA256 over the token's signing input.
/// </summary>
[MemoryDiagnoser]
public class RejectBenchmarks
{
    private BenchmarkFixture _fixture = null!;
    private HMACSHA256 _keyedHmac = null!;
    private readonly byte[] _mac = new byte[32];
    private readonly JsonWebTokenHandler _jsonWebTokenHandler = new();
    private string _malformed = null!;
    private string _oversized = null!;
    private string _forgedHeader = null!;
    private string _badSignature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fixture = BenchmarkFixture.Create(JwtAlgorithm.HS256);
        _keyedHmac = new HMACSHA256(_fixture.Secret!);
        var token = _fixture.Token;
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var lastDot = token.LastIndexOf('.');

        // A character outside base64url in the middle of the payload.
        var middle = (firstDot + lastDot) / 2;
        _malformed = "Bearer " + token[..middle] + "!" + token[(middle + 1)..];
        _oversized = "Bearer " + new string('A', 16 * 1024);

        // alg "none" with the genuine payload and no signature (RFC 8725 §2.1).
        var none = BenchmarkFixture.Base64UrlEncode("""{"alg":"none","typ":"at+jwt"}"""u8);
        _forgedHeader = "Bearer " + none + token[firstDot..(lastDot + 1)];

        // The genuine header and payload with a well-formed signature made by another key.
        var forgedMac = HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.ASCII.GetBytes(token[..lastDot]));
        _badSignature = "Bearer " + token[..(lastDot + 1)] + BenchmarkFixture.Base64UrlEncode(forgedMac);

        Expect(OursMalformed(), TokenValidationError.Malformed);
        Expect(OursOversized(), TokenValidationError.TooLarge);
        Expect(OursForgedHeader(), TokenValidationError.UnsupportedAlgorithm);
        Expect(OursBadSignature(), TokenValidationError.BadSignature);
    }

    [GlobalCleanup]
    public void Cleanup() => _keyedHmac.Dispose();

    [Benchmark(Baseline = true)]
    public bool KeyedHmacFloor() => _keyedHmac.TryComputeHash(_fixture.SigningInput, _mac, out _);

    [Benchmark]
    [AllocationBudget(0)]
    public JwtValidationResult OursMalformed() => _fixture.ColdValidator.ValidateAuthorizationHeader(_malformed);

    [Benchmark]
    [AllocationBudget(0)]
    public JwtValidationResult OursOversized() => _fixture.ColdValidator.ValidateAuthorizationHeader(_oversized);

    [Benchmark]
    [AllocationBudget(0)]
    public JwtValidationResult OursForgedHeader() => _fixture.ColdValidator.ValidateAuthorizationHeader(_forgedHeader);

    [Benchmark]
    [AllocationBudget(0)]
    public JwtValidationResult OursBadSignature() => _fixture.ColdValidator.ValidateAuthorizationHeader(_badSignature);

    [Benchmark]
    public Task<Microsoft.IdentityModel.Tokens.TokenValidationResult> JsonWebTokenHandlerBadSignature()
        => _jsonWebTokenHandler.ValidateTokenAsync(_badSignature[7..], _fixture.IdentityModelParameters);

    private static void Expect(JwtValidationResult result, TokenValidationError error)
    {
        if (result.Error != error)
        {
            throw new InvalidOperationException($"Expected {error}, got {result.Error}.");
        }
    }
}
