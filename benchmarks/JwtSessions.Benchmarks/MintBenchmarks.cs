// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*MintBenchmarks*'
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Benchmarks;

/// <summary>
/// Minting an access token against signing its bytes: the floor (baseline) signs the signing input of an equivalent token with the
/// primitive alone, a reused keyed HMAC-SHA256 or ECDsa.SignData with an IEEE P1363 signature.
/// </summary>
[MemoryDiagnoser]
public class MintBenchmarks
{
    private BenchmarkFixture _fixture = null!;
    private HMACSHA256? _keyedHmac;
    private readonly byte[] _signature = new byte[256];
    private readonly JsonWebTokenHandler _jsonWebTokenHandler = new() { SetDefaultTimesOnTokenCreation = false };
    private SecurityTokenDescriptor _identityModelDescriptor = null!;

    [Params(JwtAlgorithm.HS256, JwtAlgorithm.ES256)]
    public JwtAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = BenchmarkFixture.Create(Algorithm);
        _keyedHmac = _fixture.Secret is { } secret ? new HMACSHA256(secret) : null;
        var now = DateTime.UtcNow;
        _identityModelDescriptor = new SecurityTokenDescriptor
        {
            Issuer = BenchmarkFixture.Issuer,
            Audience = BenchmarkFixture.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            TokenType = "at+jwt",
            SigningCredentials = new SigningCredentials(_fixture.IdentityModelSigningKey, Algorithm.GetName()),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = _fixture.Descriptor.Subject,
                ["jti"] = BenchmarkFixture.Base64UrlEncode(RandomNumberGenerator.GetBytes(16)),
                ["sid"] = _fixture.Descriptor.SessionId!,
                ["scope"] = string.Join(' ', _fixture.Descriptor.Scopes),
                ["client_id"] = _fixture.Descriptor.ClientId!,
            },
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _keyedHmac?.Dispose();

    /// <summary>Floor: sign the signing input of an equivalent token with the primitive alone.</summary>
    [Benchmark(Baseline = true)]
    public int SigningFloor()
    {
        if (_keyedHmac is not null)
        {
            _keyedHmac.TryComputeHash(_fixture.SigningInput, _signature, out var written);
            return written;
        }

        return _fixture.EcdsaPrivate!.SignData(
            _fixture.SigningInput, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    [Benchmark]
    public IssuedToken OursIssue() => _fixture.TokenIssuer.Issue(_fixture.Descriptor);

    [Benchmark]
    public string JsonWebTokenHandlerCreateToken() => _jsonWebTokenHandler.CreateToken(_identityModelDescriptor);
}
