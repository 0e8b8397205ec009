// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*ValidateAsymmetricBenchmarks*'
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.IdentityModel.JsonWebTokens;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace JwtSessions.Benchmarks;

/// <summary>
/// Asymmetric validation against the primitive's own verify over the same bytes (the floor, the baseline of each algorithm):
/// ECDsa.VerifyData with an IEEE P1363 signature, RSA.VerifyData, or BouncyCastle's Ed25519.Verify with a decoded point.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(AsymmetricConfig))]
public class ValidateAsymmetricBenchmarks
{
    private BenchmarkFixture _fixture = null!;
    private readonly JsonWebTokenHandler _jsonWebTokenHandler = new();

    [Params(JwtAlgorithm.ES256, JwtAlgorithm.RS256, JwtAlgorithm.PS256, JwtAlgorithm.EdDSA)]
    public JwtAlgorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = BenchmarkFixture.Create(Algorithm);
        BenchmarkFixture.EnsureValid(_fixture.ColdValidator.ValidateAuthorizationHeader(_fixture.BearerHeader), "cold");
        BenchmarkFixture.EnsureValid(_fixture.CachedValidator.ValidateAuthorizationHeader(_fixture.BearerHeader), "cached");
        if (!PrimitiveFloor())
        {
            throw new InvalidOperationException("The primitive floor does not verify the benchmark token.");
        }

        if (Algorithm != JwtAlgorithm.EdDSA
            && !_jsonWebTokenHandler.ValidateTokenAsync(_fixture.Token, _fixture.IdentityModelParameters).Result.IsValid)
        {
            throw new InvalidOperationException("JsonWebTokenHandler rejects the benchmark token.");
        }
    }

    /// <summary>Floor: the platform (or BouncyCastle) verify over the signing input and the decoded signature.</summary>
    [Benchmark(Baseline = true)]
    public bool PrimitiveFloor() => Algorithm switch
    {
        JwtAlgorithm.ES256 => _fixture.Ecdsa!.VerifyData(_fixture.SigningInput.AsSpan(), _fixture.Signature, HashAlgorithmName.SHA256),
        JwtAlgorithm.EdDSA => Ed25519.Verify(_fixture.Signature, _fixture.Ed25519Point!, _fixture.SigningInput),
        _ => _fixture.Rsa!.VerifyData(_fixture.SigningInput, _fixture.Signature, HashAlgorithmName.SHA256, _fixture.RsaPadding!),
    };

    [Benchmark]
    public JwtValidationResult OursCold() => _fixture.ColdValidator.ValidateAuthorizationHeader(_fixture.BearerHeader);

    /// <summary>Ours, cold, into a caller's buffer, reading every standard claim: allocates only what the primitive does.</summary>
    [Benchmark]
    [AllocationBudget(AllocationBudgets.SameAsPrimitive)]
    public int OursColdIntoBuffer() => _fixture.ValidateIntoBuffer();

    [Benchmark]
    [AllocationBudget(0)]
    public JwtValidationResult OursCached() => _fixture.CachedValidator.ValidateAuthorizationHeader(_fixture.BearerHeader);

    /// <summary>Microsoft.IdentityModel has no EdDSA; that case is filtered out by <see cref="AsymmetricConfig"/>.</summary>
    [Benchmark]
    public Task<Microsoft.IdentityModel.Tokens.TokenValidationResult> JsonWebTokenHandler()
        => _jsonWebTokenHandler.ValidateTokenAsync(_fixture.Token, _fixture.IdentityModelParameters);
}
