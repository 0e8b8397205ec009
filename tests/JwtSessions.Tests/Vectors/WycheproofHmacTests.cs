using JwtSessions.Signing;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Wycheproof <c>hmac_sha256/384/512_test.json</c> through <see cref="SigningKey.CreateHmac"/>. JWS differs from generic HMAC in
/// two rules, and the groups that break them are asserted to be refused rather than skipped: a key shorter than the hash is
/// rejected at construction (RFC 7518 §3.2), and a tag shorter than the hash never verifies (JWS has no truncated MACs).
/// </summary>
public sealed class WycheproofHmacTests
{
    public static IEnumerable<TestCaseData> Sha256() => Wycheproof.Cases("HmacSha256", "hmac_sha256_test.json");

    public static IEnumerable<TestCaseData> Sha384() => Wycheproof.Cases("HmacSha384", "hmac_sha384_test.json");

    public static IEnumerable<TestCaseData> Sha512() => Wycheproof.Cases("HmacSha512", "hmac_sha512_test.json");

    [TestCaseSource(nameof(Sha256))]
    public void VerifySignature_Hs256Vector_MatchesJwsRules(WycheproofVector vector) => Check(vector, JwtAlgorithm.HS256, 256);

    [TestCaseSource(nameof(Sha384))]
    public void VerifySignature_Hs384Vector_MatchesJwsRules(WycheproofVector vector) => Check(vector, JwtAlgorithm.HS384, 384);

    [TestCaseSource(nameof(Sha512))]
    public void VerifySignature_Hs512Vector_MatchesJwsRules(WycheproofVector vector) => Check(vector, JwtAlgorithm.HS512, 512);

    private static void Check(WycheproofVector vector, JwtAlgorithm algorithm, int hashBits)
    {
        VectorFiles.EnsurePresent();
        var keySize = (int)vector.Group["keySize"]!;
        var tagSize = (int)vector.Group["tagSize"]!;
        var secret = vector.Hex("key");
        var message = vector.Hex("msg");
        var tag = vector.Hex("tag");

        if (keySize < hashBits)
        {
            var create = () => SigningKey.CreateHmac(secret, algorithm, "wycheproof");
            create.Should().Throw<InvalidSigningKeyException>().WithMessage($"*requires a secret of at least {hashBits / 8} bytes*");
            return;
        }

        var key = SigningKey.CreateHmac(secret, algorithm, "wycheproof");
        var mac = new byte[64];
        var length = key.Sign(message, mac);
        length.Should().Be(hashBits / 8);

        if (tagSize < hashBits)
        {
            key.VerifySignature(message, tag).Should().BeFalse("a JWS MAC is the full hash output (RFC 7518 §3.2)");
            if (vector.IsValid)
            {
                // Control: the truncated tag is a prefix of our full MAC, so the rejection is about its length alone.
                mac.AsSpan(0, length).StartsWith(tag).Should().BeTrue();
            }

            return;
        }

        var expected = WycheproofLabels.MustVerify(vector);
        WycheproofLabels.Verify(vector, () => key.VerifySignature(message, tag)).Should().Be(expected);
        mac.AsSpan(0, length).SequenceEqual(tag).Should().Be(expected, "HMAC is deterministic: sign and compare");
    }
}
