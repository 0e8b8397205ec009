// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*DpopBenchmarks*'
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using JwtSessions.Dpop;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Benchmarks;

/// <summary>
/// A DPoP-bound ES256 request (access token and proof, RFC 9449) against its floor, the two ECDSA P-256 verifications it
/// needs, in one run; the target is at most 1.15x the floor with the proof's JSON and replay check included
/// (docs/dpop.md has the latest figures). The same proof is validated every time, so the replay cache here records and
/// forgets each entry: its work is counted, its refusal of the repeat is not. The client's key is the same in every proof,
/// as a real client's is, so the validator's proof key cache imports it once.
/// </summary>
[MemoryDiagnoser]
public class DpopBenchmarks
{
    private static readonly Uri s_target = new("https://api.example.com/orders");

    private SigningKey _tokenKey = null!;
    private SigningKey _clientKey = null!;
    private ECDsa _tokenEcdsa = null!;
    private ECDsa _clientEcdsa = null!;
    private TokenValidator _validator = null!;
    private DpopProofValidator _proofs = null!;
    private string _authorization = null!;
    private string _proof = null!;
    private byte[] _tokenInput = null!;
    private byte[] _tokenSignature = null!;
    private byte[] _proofInput = null!;
    private byte[] _proofSignature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokenKey = SigningKey.Generate(JwtAlgorithm.ES256, "bench-es256");
        _clientKey = SigningKey.Generate(JwtAlgorithm.ES256);
        var issuerOptions = new TokenIssuerOptions { Issuer = "https://issuer.bench", Keys = KeyRing.Create(_tokenKey) };
        issuerOptions.Audiences.Add("api://bench");
        var token = new TokenIssuer(issuerOptions)
            .Issue(new AccessTokenDescriptor { Subject = "user-1", SessionId = "sid-1", KeyThumbprint = JwkThumbprint.Compute(_clientKey) }).Token;
        var validatorOptions = new TokenValidatorOptions { Issuer = "https://issuer.bench", Keys = KeyRing.ForVerification(_tokenKey), Cache = null };
        validatorOptions.Audiences.Add("api://bench");
        _validator = new TokenValidator(validatorOptions);
        _proofs = new DpopProofValidator(new DpopProofValidatorOptions { IatWindow = TimeSpan.FromHours(1) }, new RecordAndForgetCache());
        _authorization = "DPoP " + token;
        _proof = DpopProof.Create(_clientKey, "GET", s_target, DateTimeOffset.UtcNow, token);

        (_tokenEcdsa, _tokenInput, _tokenSignature) = Floor(_tokenKey, token);
        (_clientEcdsa, _proofInput, _proofSignature) = Floor(_clientKey, _proof);
        if (!FloorTwoVerifications() || !DpopRequest().IsValid)
        {
            throw new InvalidOperationException("The benchmark's token and proof do not validate.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tokenEcdsa.Dispose();
        _clientEcdsa.Dispose();
        _tokenKey.Dispose();
        _clientKey.Dispose();
    }

    /// <summary>Floor: ECDsa.VerifyData over the token's and the proof's signing inputs.</summary>
    [Benchmark(Baseline = true)]
    public bool FloorTwoVerifications()
        => _tokenEcdsa.VerifyData(_tokenInput, _tokenSignature, HashAlgorithmName.SHA256)
            & _clientEcdsa.VerifyData(_proofInput, _proofSignature, HashAlgorithmName.SHA256);

    [Benchmark]
    public DpopValidationResult DpopRequest()
    {
        // Completes synchronously with an in-memory replay cache: read the result without a Task.
        var pending = _validator.ValidateDpopRequestAsync(_authorization, _proof, "GET", s_target, _proofs);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private static (ECDsa Ecdsa, byte[] Input, byte[] Signature) Floor(SigningKey key, string jws)
    {
        var jwk = key.ToJsonWebKey();
        var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Convert.FromBase64String(Pad(jwk.X)), Y = Convert.FromBase64String(Pad(jwk.Y)) },
        });
        var lastDot = jws.LastIndexOf('.');
        return (ecdsa, Encoding.ASCII.GetBytes(jws[..lastDot]), Convert.FromBase64String(Pad(jws[(lastDot + 1)..])));
    }

    private static string Pad(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text + new string('=', (4 - (text.Length % 4)) % 4);
    }

    /// <summary>Does an in-memory cache's work (one add) and forgets the entry, so the same proof passes every iteration.</summary>
    private sealed class RecordAndForgetCache : IDpopReplayCache
    {
        private readonly ConcurrentDictionary<string, long> _entries = new(StringComparer.Ordinal);

        public ValueTask<bool> TryAddAsync(string proofId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
        {
            var added = _entries.TryAdd(proofId, expiresAt.ToUnixTimeMilliseconds());
            _entries.TryRemove(proofId, out _);
            return ValueTask.FromResult(added);
        }
    }
}
