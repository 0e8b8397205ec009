using System.Text;
using System.Text.Json.Nodes;
using JwtSessions.Internal;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Wycheproof <c>json_web_signature_test.json</c>. These are generic JWS, not JWTs (no typ, iss, aud or exp; some payloads are
/// empty or not JSON), so they run through the JWS layer (<see cref="JwsVerifier"/>: compact form, strict base64url, header
/// rules, key binding, signature), which is the code the validator runs before it reads claims. A second suite runs the same
/// tokens through the full <see cref="TokenValidator"/> to pin where it stops on each.
/// </summary>
public sealed class WycheproofJwsTests
{
    private const string File = "json_web_signature_test.json";

    public static IEnumerable<TestCaseData> JwsVectors() => Wycheproof.Cases("Jws", File);

    public static IEnumerable<TestCaseData> ValidatorVectors() => Wycheproof.Cases(
        "JwsViaValidator",
        File,
        static v => WycheproofJwsExpectations.For(v).Kind is not (JwsExpectation.Outcome.KeyRejected or JwsExpectation.Outcome.CopyOfValid));

    [TestCaseSource(nameof(JwsVectors))]
    public void JwsLayer_WycheproofVector_MatchesExpectation(WycheproofVector vector)
    {
        VectorFiles.EnsurePresent();
        var expectation = WycheproofJwsExpectations.For(vector);
        switch (expectation.Kind)
        {
            case JwsExpectation.Outcome.Unknown:
                Assert.Fail($"No expectation is recorded for tcId {vector.TcId} ('{vector.Comment}', {vector.Result}).");
                break;

            case JwsExpectation.Outcome.CopyOfValid:
                // The override must still be needed: the vector is a byte-for-byte copy of a valid one, and verifies like it.
                vector.String("jws").Should().Be(JwsOf(vector, WycheproofJwsExpectations.CopiedFromTcId));
                Verify(vector, expectation, out _).Should().Be(TokenValidationError.None, expectation.Reason);
                break;

            case JwsExpectation.Outcome.KeyRejected:
                var import = () => SigningKey.FromJwk(VerificationJwk(vector));
                import.Should().Throw<InvalidSigningKeyException>().WithMessage(expectation.KeyRule);
                break;

            case JwsExpectation.Outcome.Valid:
                Verify(vector, expectation, out var payload).Should().Be(TokenValidationError.None, expectation.Reason);
                var segment = Encoding.ASCII.GetBytes(vector.String("jws"))[payload];
                Base64UrlStrict.IsCanonical(segment).Should().BeTrue();
                break;

            default:
                Verify(vector, expectation, out _).Should().Be(expectation.Error, expectation.Reason);
                break;
        }
    }

    [TestCaseSource(nameof(ValidatorVectors))]
    public void Validator_WycheproofVector_StopsAtExpectedCheck(WycheproofVector vector)
    {
        VectorFiles.EnsurePresent();
        var expectation = WycheproofJwsExpectations.For(vector);
        var jws = vector.String("jws");
        var validator = Validators.For(Ring(vector, expectation), new FakeTimeProvider(TestClock.Start));

        validator.ValidateToken(jws).Error.Should().Be(ExpectedFromValidator(jws, expectation));
    }

    [TestCase(346)]
    [TestCase(350)]
    public void KeyAlgorithmOverride_Ps256KeyWithPs384Token_IsStillNeeded(int tcId)
    {
        // Unmodified, the key is bound to PS256 and the ring allows only PS256: the PS384 token is refused before crypto.
        var vector = Find(tcId);
        var ring = KeyRing.ForVerification(SigningKey.FromJwk(VerificationJwk(vector)));

        JwsVerifier.Verify(Encoding.ASCII.GetBytes(vector.String("jws")), ring, out _)
            .Should().Be(TokenValidationError.UnsupportedAlgorithm);
    }

    [TestCase(347)]
    [TestCase(351)]
    public void KeyAlgorithmOverride_Es521Key_IsStillNeeded(int tcId)
    {
        // "ES521" is not a registered JWA name, so the unmodified key cannot be imported at all.
        var import = () => SigningKey.FromJwk(VerificationJwk(Find(tcId)));

        import.Should().Throw<InvalidSigningKeyException>().WithMessage("*unsupported algorithm \"ES521\"*");
    }

    [TestCase(372)]
    [TestCase(373)]
    public void StrictBase64Override_WithoutTheQuestionMark_IsTheValidToken(int tcId)
    {
        // The README's reading of 372/373: the MAC is that of the token without the inserted '?'.
        var vector = Find(tcId);
        var ring = KeyRing.ForVerification(SigningKey.FromJwk(VerificationJwk(vector)));
        var repaired = vector.String("jws").Replace("?", string.Empty, StringComparison.Ordinal);

        JwsVerifier.Verify(Encoding.ASCII.GetBytes(repaired), ring, out _).Should().Be(TokenValidationError.None);
    }

    internal static string VerificationJwk(WycheproofVector vector)
        => (vector.Group["public"] ?? vector.Group["private"])!.ToJsonString();

    private static TokenValidationError Verify(WycheproofVector vector, JwsExpectation expectation, out Range payload)
        => JwsVerifier.Verify(Encoding.ASCII.GetBytes(vector.String("jws")), Ring(vector, expectation), out payload);

    private static KeyRing Ring(WycheproofVector vector, JwsExpectation expectation)
    {
        var jwk = VerificationJwk(vector);
        if (expectation.KeyAlgorithmOverride is { } algorithm)
        {
            var node = JsonNode.Parse(jwk)!.AsObject();
            node["alg"] = algorithm;
            jwk = node.ToJsonString();
        }

        return KeyRing.ForVerification(SigningKey.FromJwk(jwk));
    }

    /// <summary>
    /// Where the full validator stops on a token the JWS layer judged: whitespace is not base64url (a bare token is never read
    /// as a header), then the compact form (an empty payload is never a JWT), then the header checks shared with the JWS layer; every other token,
    /// valid JWS included, lacks the <c>typ</c> the validator requires (RFC 8725 §3.11), which it checks before key and signature.
    /// </summary>
    private static TokenValidationError ExpectedFromValidator(string jws, JwsExpectation expectation)
    {
        if (jws.AsSpan().IndexOfAny(' ', '\t') >= 0)
        {
            return TokenValidationError.Malformed;
        }

        var parts = jws.Split('.');
        if (parts.Length == 3 && parts[0].Length > 0 && parts[1].Length == 0)
        {
            return TokenValidationError.Malformed;
        }

        return expectation.Error is TokenValidationError.Malformed or TokenValidationError.UnsupportedHeader
            or TokenValidationError.UnsupportedAlgorithm
            ? expectation.Error
            : TokenValidationError.WrongType;
    }

    private static WycheproofVector Find(int tcId)
    {
        VectorFiles.EnsurePresent();
        return Wycheproof.Vectors("Jws", File).Single(v => v.TcId == tcId);
    }

    private static string JwsOf(WycheproofVector vector, int tcId)
        => (string)vector.Group["tests"]!.AsArray().Single(t => (int)t!["tcId"]! == tcId)!["jws"]!;
}
