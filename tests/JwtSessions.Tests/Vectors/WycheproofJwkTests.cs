using System.Text.Json.Nodes;
using System.Text;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Wycheproof <c>json_web_key_test.json</c>: each case is a JWK set and a JWS. The set goes through
/// <see cref="KeyRing.FromJwks"/> (and so <see cref="SigningKey.FromJsonWebKey"/>); if it is accepted, the JWS goes through the
/// JWS layer. Every invalid vector is pinned to the stage and the rule that rejects it.
/// </summary>
public sealed class WycheproofJwkTests
{
    private const string File = "json_web_key_test.json";

    // tcId -> the import rule (message wildcard) that refuses the set, or the JWS-layer outcome once it imports.
    private static readonly Dictionary<int, Expected> s_expected = new()
    {
        [1] = Expected.SetRejected("*mixes symmetric, private and public keys*"), // jws_mixedSymmetryKeyset
        [2] = Expected.Jws(TokenValidationError.None),
        [3] = Expected.Jws(TokenValidationError.BadSignature),
        // Duplicate kid: but the second key's k ("...Bingge") has non-zero unused trailing bits, which strict base64url
        // (RFC 4648 §3.5) refuses first. FromJwks_Tc4WithCanonicalKeys_RejectsDuplicateKid pins the duplicate-kid rule itself.
        [4] = Expected.SetRejected("*\"k\" is missing or not strict base64url*"),
        [5] = Expected.Jws(TokenValidationError.None),
        [6] = Expected.SetRejected("*\"use\":\"enc\"*"), // RSA1_5 encryption key
        [7] = Expected.SetRejected("*ROCA*"), // CVE-2017-15361 (its modulus also has 2049 bits, which is allowed)
        [8] = Expected.SetRejected("*2048 to 8192 bits*got 1024*"),
        [9] = Expected.SetRejected("*exponent must be odd and greater than 1*"),
        [10] = Expected.SetRejected("*HS256 requires a secret of at least 32 bytes*got 31*"),
        [11] = Expected.SetRejected("*HS384 requires a secret of at least 48 bytes*got 47*"),
        [12] = Expected.SetRejected("*HS512 requires a secret of at least 64 bytes*got 63*"),
        [13] = Expected.Jws(TokenValidationError.None), // HMAC keys longer than the hash are fine
        [14] = Expected.Jws(TokenValidationError.None),
        [15] = Expected.Jws(TokenValidationError.None),
        [16] = Expected.SetRejected("*\"k\" is missing*"), // empty key
        [17] = Expected.SetRejected("*\"k\" is missing*"),
        [18] = Expected.SetRejected("*\"k\" is missing*"),
        [19] = Expected.SetRejected("*unsupported algorithm \"ES521\"*"),
        [20] = Expected.SetRejected("*unsupported algorithm \"ES224\"*"),
        [21] = Expected.SetRejected("*\"use\":\"enc\"*"),
        [22] = Expected.SetRejected("*not a valid point on its curve*"),
        [23] = Expected.SetRejected("*ES256 requires curve P-256*\"P-384\"*"),
        [24] = Expected.SetRejected("*\"n\" is missing*"), // kty RSA with EC members
        [25] = Expected.SetRejected("*unsupported algorithm \"A256GCM\"*"),
        [26] = Expected.SetRejected("*unsupported algorithm \"A256KW\"*"),
    };

    public static IEnumerable<TestCaseData> Vectors() => Wycheproof.Cases("Jwk", File);

    [TestCaseSource(nameof(Vectors))]
    public void FromJwks_WycheproofVector_MatchesExpectation(WycheproofVector vector)
    {
        VectorFiles.EnsurePresent();
        s_expected.Should().ContainKey(vector.TcId, "every vector needs a recorded expectation");
        var expected = s_expected[vector.TcId];
        (expected.KeySetRule is null && expected.Error == TokenValidationError.None).Should().Be(vector.IsValid, "a departure from the label needs a recorded reason");

        // The verification set is the public one when the group has it. The private set must get the same import verdict.
        foreach (var member in new[] { "public", "private" })
        {
            if (vector.Group[member] is not JsonNode set)
            {
                continue;
            }

            var import = () => KeyRing.FromJwks(set.ToJsonString());
            if (expected.KeySetRule is { } rule)
            {
                import.Should().Throw<InvalidSigningKeyException>().WithMessage(rule);
            }
            else
            {
                import.Should().NotThrow();
            }
        }

        if (expected.KeySetRule is null)
        {
            var ring = KeyRing.FromJwks((vector.Group["public"] ?? vector.Group["private"])!.ToJsonString());
            JwsVerifier.Verify(Encoding.ASCII.GetBytes(vector.String("jws")), ring, out _).Should().Be(expected.Error);
        }
    }

    [Test]
    public void FromJwks_Tc4WithCanonicalKeys_RejectsDuplicateKid()
    {
        VectorFiles.EnsurePresent();
        var vector = Wycheproof.Vectors("Jwk", File).Single(v => v.TcId == 4);
        var set = vector.Group["private"]!.DeepClone();
        foreach (var key in set["keys"]!.AsArray())
        {
            // Re-encode k canonically: decode leniently (the unused bits are dropped), encode strictly.
            var k = (string)key!["k"]!;
            var padded = k.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (k.Length % 4)) % 4);
            key["k"] = Convert.ToBase64String(Convert.FromBase64String(padded)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        var import = () => KeyRing.FromJwks(set.ToJsonString());

        import.Should().Throw<InvalidSigningKeyException>().WithMessage("*'kid-aes-sign' appears twice*");
    }

    private sealed record Expected(string? KeySetRule, TokenValidationError Error)
    {
        public static Expected SetRejected(string rule) => new(rule, TokenValidationError.None);

        public static Expected Jws(TokenValidationError error) => new(null, error);
    }
}
