using System.Formats.Asn1;
using JwtSessions.Signing;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Wycheproof ECDSA files. In the P1363 files the signature is R‖S, which is exactly the JWS signature (RFC 7518 §3.4), so it goes
/// straight to the key's <see cref="SigningKey.VerifySignature"/>. The DER file proves the opposite: no DER signature is ever
/// accepted as a JWS signature, whatever its label.
/// </summary>
public sealed class WycheproofEcdsaTests
{
    public static IEnumerable<TestCaseData> P256() => Wycheproof.Cases("EcdsaP256P1363", "ecdsa_secp256r1_sha256_p1363_test.json");

    public static IEnumerable<TestCaseData> P384() => Wycheproof.Cases("EcdsaP384P1363", "ecdsa_secp384r1_sha384_p1363_test.json");

    public static IEnumerable<TestCaseData> P521() => Wycheproof.Cases("EcdsaP521P1363", "ecdsa_secp521r1_sha512_p1363_test.json");

    public static IEnumerable<TestCaseData> P256Der() => Wycheproof.Cases("EcdsaP256Der", "ecdsa_secp256r1_sha256_test.json");

    [TestCaseSource(nameof(P256))]
    public void VerifySignature_Es256P1363Vector_MatchesLabel(WycheproofVector vector) => CheckP1363(vector, JwtAlgorithm.ES256);

    [TestCaseSource(nameof(P384))]
    public void VerifySignature_Es384P1363Vector_MatchesLabel(WycheproofVector vector) => CheckP1363(vector, JwtAlgorithm.ES384);

    [TestCaseSource(nameof(P521))]
    public void VerifySignature_Es512P1363Vector_MatchesLabel(WycheproofVector vector) => CheckP1363(vector, JwtAlgorithm.ES512);

    [TestCaseSource(nameof(P256Der))]
    public void VerifySignature_DerSignature_IsRejected(WycheproofVector vector)
    {
        VectorFiles.EnsurePresent();
        var key = PrimitiveKeys.Ecdsa(vector, JwtAlgorithm.ES256);
        var message = vector.Hex("msg");
        var der = vector.Hex("sig");

        key.VerifySignature(message, der).Should().BeFalse("a JWS ES256 signature is the 64-byte R||S, never DER (RFC 7518 §3.4)");

        if (vector.IsValid)
        {
            // Control: the same (r, s) as R||S verifies, so the rejection above is about the encoding alone.
            key.VerifySignature(message, DerToP1363(der, 32)).Should().BeTrue();
        }
    }

    private static void CheckP1363(WycheproofVector vector, JwtAlgorithm algorithm)
    {
        VectorFiles.EnsurePresent();
        var message = vector.Hex("msg");
        var signature = vector.Hex("sig");
        var expected = WycheproofLabels.MustVerify(vector);

        var key = PrimitiveKeys.Ecdsa(vector, algorithm);
        WycheproofLabels.Verify(vector, () => key.VerifySignature(message, signature)).Should().Be(expected);

        // The same key through the JWK importer, when the group publishes one, must agree.
        PrimitiveKeys.FromGroupJwk(vector, algorithm)?.VerifySignature(message, signature).Should().Be(expected);
    }

    private static byte[] DerToP1363(byte[] der, int size)
    {
        var sequence = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var result = new byte[2 * size];
        for (var i = 0; i < 2; i++)
        {
            var integer = sequence.ReadIntegerBytes().Span.TrimStart((byte)0);
            integer.Length.Should().BeLessThanOrEqualTo(size);
            integer.CopyTo(result.AsSpan(((i + 1) * size) - integer.Length));
        }

        return result;
    }
}
