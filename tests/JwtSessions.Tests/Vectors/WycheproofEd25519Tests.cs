using JwtSessions.Signing;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Wycheproof <c>ed25519_test.json</c> through <see cref="SigningKey.CreateEd25519"/> and the group's JWK: signature malleability
/// (S ≥ L), non-canonical encodings, truncated and padded signatures must all be rejected (RFC 8032 §5.1.7).
/// </summary>
public sealed class WycheproofEd25519Tests
{
    public static IEnumerable<TestCaseData> Vectors() => Wycheproof.Cases("Ed25519", "ed25519_test.json");

    [TestCaseSource(nameof(Vectors))]
    public void VerifySignature_Ed25519Vector_MatchesLabel(WycheproofVector vector)
    {
        VectorFiles.EnsurePresent();
        var message = vector.Hex("msg");
        var signature = vector.Hex("sig");
        var expected = WycheproofLabels.MustVerify(vector);
        var publicKey = Convert.FromHexString((string)vector.Group["publicKey"]!["pk"]!);

        var key = SigningKey.CreateEd25519(publicKey, keyId: "wycheproof");
        WycheproofLabels.Verify(vector, () => key.VerifySignature(message, signature)).Should().Be(expected);

        PrimitiveKeys.FromGroupJwk(vector, JwtAlgorithm.EdDSA)!.VerifySignature(message, signature).Should().Be(expected);
    }
}
