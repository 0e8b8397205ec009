using System.Text;
using System.Text.Json;
using JwtSessions.Dpop;
using JwtSessions.Signing;

namespace JwtSessions.Fuzz.Targets;

/// <summary>
/// The DPoP proof validator (RFC 9449): the input is the <c>DPoP</c> header's value. No exception may escape, the in-memory
/// replay cache completes synchronously, and an accepted proof is a compact JWS whose header says <c>dpop+jwt</c>, an
/// allowed asymmetric algorithm and a <c>jwk</c> without private members, with the thumbprint of that key.
/// </summary>
internal sealed class DpopProofTarget : IFuzzTarget
{
    private static readonly Uri s_target = new("https://api.fuzz.test/token");
    private static readonly string[] s_privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    public void Run(ReadOnlySpan<byte> input)
    {
        // A fresh cache per input: the verdict depends on the input alone.
        var validator = new DpopProofValidator(new DpopProofValidatorOptions(), new InMemoryDpopReplayCache(timeProvider: FuzzFixture.Time), FuzzFixture.Time);
        var pending = validator.ValidateAsync(Encoding.UTF8.GetString(input), "POST", s_target).AsTask();
        OracleFailureException.Check(pending.IsCompletedSuccessfully, "Validation with the in-memory replay cache did not complete synchronously.");
        var result = pending.Result;
        if (!result.IsValid)
        {
            OracleFailureException.Check(result.Thumbprint is null, "A rejected proof has a thumbprint.");
            return;
        }

        OracleFailureException.Check(result.Thumbprint is { Length: 43 }, "An accepted proof's thumbprint is not 43 characters.");
        var parts = Encoding.UTF8.GetString(input).Split('.');
        OracleFailureException.Check(parts.Length == 3, "An accepted proof is not a compact JWS.");
        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        var root = header.RootElement;
        OracleFailureException.Check(
            root.TryGetProperty("typ", out var typ) && typ.GetString()!.EndsWith("dpop+jwt", StringComparison.OrdinalIgnoreCase),
            "An accepted proof is not typed dpop+jwt.");
        OracleFailureException.Check(
            root.TryGetProperty("alg", out var alg) && alg.GetString() is "ES256" or "EdDSA" or "PS256" or "RS256",
            "An accepted proof's algorithm is not an allowed asymmetric one.");
        var jwk = root.GetProperty("jwk");
        foreach (var member in s_privateMembers)
        {
            OracleFailureException.Check(!jwk.TryGetProperty(member, out _), $"An accepted proof's jwk has the private member {member}.");
        }

        OracleFailureException.Check(
            JwkThumbprint.Compute(new Microsoft.IdentityModel.Tokens.JsonWebKey(jwk.GetRawText())) == result.Thumbprint,
            "An accepted proof's thumbprint is not its jwk's.");
    }

    public IEnumerable<byte[]> Seeds()
    {
        foreach (var algorithm in new[] { JwtAlgorithm.ES256, JwtAlgorithm.EdDSA, JwtAlgorithm.PS256 })
        {
            using var key = SigningKey.Generate(algorithm);
            yield return Encoding.ASCII.GetBytes(DpopProof.Create(key, "POST", s_target, FuzzFixture.Now));
            yield return Encoding.ASCII.GetBytes(DpopProof.Create(key, "GET", s_target, FuzzFixture.Now, accessToken: "at", nonce: "n"));
        }
    }
}
