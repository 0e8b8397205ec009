using JwtSessions.Signing;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Wycheproof <c>rsa_signature_2048_sha256_test.json</c> as RS256 and <c>rsa_pss_2048_sha256_mgf1_32_test.json</c> as PS256
/// (MGF1-SHA-256, 32-byte salt: exactly RFC 7518 §3.5), each through <see cref="SigningKey.CreateRsa"/> and the group's JWK.
/// </summary>
public sealed class WycheproofRsaTests
{
    // tcId 8 "Missing NULL in the ASN encoding" is acceptable to Wycheproof. We pin rejection: RFC 8017 §9.2 encodes DigestInfo
    // with the NULL parameters and JWS interop never omits them; if a platform provider ever accepts it, this test says so.
    private static readonly Dictionary<int, bool> s_pkcs1Acceptable = new() { [8] = false };

    public static IEnumerable<TestCaseData> Pkcs1() => Wycheproof.Cases("Rs256Pkcs1", "rsa_signature_2048_sha256_test.json");

    public static IEnumerable<TestCaseData> Pss() => Wycheproof.Cases("Ps256Pss", "rsa_pss_2048_sha256_mgf1_32_test.json");

    [TestCaseSource(nameof(Pkcs1))]
    public void VerifySignature_Rs256Vector_MatchesLabel(WycheproofVector vector)
        => Check(vector, JwtAlgorithm.RS256, WycheproofLabels.MustVerify(vector, s_pkcs1Acceptable));

    [TestCaseSource(nameof(Pss))]
    public void VerifySignature_Ps256Vector_MatchesLabel(WycheproofVector vector)
        => Check(vector, JwtAlgorithm.PS256, WycheproofLabels.MustVerify(vector));

    private static void Check(WycheproofVector vector, JwtAlgorithm algorithm, bool expected)
    {
        VectorFiles.EnsurePresent();
        var message = vector.Hex("msg");
        var signature = vector.Hex("sig");

        var key = PrimitiveKeys.Rsa(vector, algorithm);
        WycheproofLabels.Verify(vector, () => key.VerifySignature(message, signature)).Should().Be(expected);

        PrimitiveKeys.FromGroupJwk(vector, algorithm)!.VerifySignature(message, signature).Should().Be(expected);
    }
}
