using System.Text.Json.Nodes;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.IdentityModel.Tokens;
using Validators = JwtSessions.Tests.Support.Validators;

namespace JwtSessions.Tests.Signing;

public sealed class JwkImportTests
{
    public static IEnumerable<JwtAlgorithm> AllAlgorithms => JwtAlgorithms.All;

    public static IEnumerable<JwtAlgorithm> AsymmetricAlgorithms
        => JwtAlgorithms.All.Where(static a => TestKeys.For(a).KeyType != SigningKeyType.Symmetric);

    [TestCaseSource(nameof(AllAlgorithms))]
    public void FromJwk_PrivateExport_SignsTokensTheOriginalVerifies(JwtAlgorithm algorithm)
    {
        var original = TestKeys.For(algorithm);

        var imported = SigningKey.FromJwk(original.ToJwk(includePrivateKey: true));

        imported.Algorithm.Should().Be(algorithm);
        imported.KeyId.Should().Be(original.KeyId);
        imported.CanSign.Should().BeTrue();
        var verifier = original.KeyType == SigningKeyType.Symmetric ? original : original.ToPublicKey();
        Validators.For(verifier).ValidateToken(RawToken.Valid(imported)).IsValid.Should().BeTrue();
        Validators.For(imported).ValidateToken(RawToken.Valid(original)).IsValid.Should().BeTrue();
    }

    [TestCaseSource(nameof(AllAlgorithms))]
    public void FromJwk_PrivateExport_ReexportsIdentically(JwtAlgorithm algorithm)
    {
        var json = TestKeys.For(algorithm).ToJwk(includePrivateKey: true);

        SigningKey.FromJwk(json).ToJwk(includePrivateKey: true).Should().Be(json);
    }

    [TestCaseSource(nameof(AsymmetricAlgorithms))]
    public void FromJsonWebKey_PublicExport_VerifiesOnly(JwtAlgorithm algorithm)
    {
        var original = TestKeys.For(algorithm);
        var imported = SigningKey.FromJsonWebKey(original.ToJsonWebKey());

        imported.CanSign.Should().BeFalse();
        imported.Algorithm.Should().Be(algorithm);
        Validators.For(imported).ValidateToken(RawToken.Valid(original)).IsValid.Should().BeTrue();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void FromJwk_UseEnc_Throws(JwtAlgorithm algorithm)
    {
        var jwk = Node(algorithm);
        jwk["use"] = "enc";

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*use*");
    }

    [TestCase(JwtAlgorithm.HS256, "encrypt")]
    [TestCase(JwtAlgorithm.RS256, "encrypt")]
    [TestCase(JwtAlgorithm.ES256, "encrypt")]
    [TestCase(JwtAlgorithm.EdDSA, "encrypt")]
    [TestCase(JwtAlgorithm.RS256, "wrapKey")]
    public void FromJwk_KeyOpsWithoutSignOrVerify_Throws(JwtAlgorithm algorithm, string operation)
    {
        var jwk = Node(algorithm);
        jwk["key_ops"] = new JsonArray(operation);

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*key_ops*");
    }

    [TestCase("verify")]
    [TestCase("sign")]
    public void FromJwk_KeyOpsWithSignOrVerify_Imports(string operation)
    {
        var jwk = Node(JwtAlgorithm.ES256);
        jwk["key_ops"] = new JsonArray(operation);

        SigningKey.FromJwk(jwk.ToJsonString()).Algorithm.Should().Be(JwtAlgorithm.ES256);
    }

    [TestCase(JwtAlgorithm.RS256, JwtAlgorithm.PS256)]
    [TestCase(JwtAlgorithm.RS256, JwtAlgorithm.RS512)]
    [TestCase(JwtAlgorithm.HS256, JwtAlgorithm.HS512)]
    [TestCase(JwtAlgorithm.ES256, JwtAlgorithm.ES384)]
    [TestCase(JwtAlgorithm.ES256, JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.EdDSA, JwtAlgorithm.ES256)]
    public void FromJwk_AlgDiffersFromRequested_Throws(JwtAlgorithm declared, JwtAlgorithm requested)
    {
        var act = () => SigningKey.FromJwk(TestKeys.For(declared).ToJwk(includePrivateKey: true), requested);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage($"*bound to {declared.GetName()} but {requested.GetName()}*");
    }

    [TestCase(JwtAlgorithm.HS256, "RS256")]
    [TestCase(JwtAlgorithm.RS256, "ES256")]
    [TestCase(JwtAlgorithm.RS256, "HS256")]
    [TestCase(JwtAlgorithm.ES256, "RS256")]
    [TestCase(JwtAlgorithm.ES256, "EdDSA")]
    [TestCase(JwtAlgorithm.EdDSA, "ES256")]
    [TestCase(JwtAlgorithm.EdDSA, "HS256")]
    public void FromJwk_AlgOfOtherKeyType_Throws(JwtAlgorithm keyAlgorithm, string alg)
    {
        // The key type and the alg must fit each other (RFC 8725 §3.1), whatever the JWK claims.
        // An OKP JWK with "alg":"ES256" or "HS256" is refused, never imported as an EdDSA key.
        var jwk = Node(keyAlgorithm, includePrivateKey: true);
        jwk["alg"] = alg;

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void FromJwk_EmptyAlg_Throws(JwtAlgorithm keyAlgorithm)
    {
        // Found by the jwk fuzz target: an OKP JWK with "alg":"" was imported as EdDSA, the empty name read as absent.
        var jwk = Node(keyAlgorithm, includePrivateKey: true);
        jwk["alg"] = "";

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*unsupported algorithm \"\"*");
    }

    [TestCase(JwtAlgorithm.HS256, JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.RS256, JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.ES256, JwtAlgorithm.EdDSA)]
    [TestCase(JwtAlgorithm.EdDSA, JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA, JwtAlgorithm.HS256)]
    public void FromJsonWebKey_NoAlgAndRequestedAlgOfOtherKeyType_Throws(JwtAlgorithm keyAlgorithm, JwtAlgorithm requested)
    {
        // The EdDSA rows: an OKP JWK without "alg" is not bound to EdDSA when another algorithm is requested.
        var jwk = Node(keyAlgorithm, includePrivateKey: true);
        jwk.Remove("alg");

        var act = () => SigningKey.FromJsonWebKey(new JsonWebKey(jwk.ToJsonString()), requested);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.PS512)]
    public void FromJwk_RsaOrOctWithoutAlg_Throws(JwtAlgorithm algorithm)
    {
        var jwk = Node(algorithm, includePrivateKey: true);
        jwk.Remove("alg");

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*no \"alg\"*");
    }

    [TestCase(JwtAlgorithm.HS384)]
    [TestCase(JwtAlgorithm.PS256)]
    public void FromJwk_RsaOrOctWithoutAlgButRequested_BindsRequested(JwtAlgorithm algorithm)
    {
        var jwk = Node(algorithm, includePrivateKey: true);
        jwk.Remove("alg");

        SigningKey.FromJwk(jwk.ToJsonString(), algorithm).Algorithm.Should().Be(algorithm);
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.ES384)]
    [TestCase(JwtAlgorithm.ES512)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void FromJwk_CurveKeyWithoutAlg_InfersAlgFromCrv(JwtAlgorithm algorithm)
    {
        var jwk = Node(algorithm);
        jwk.Remove("alg");

        var key = SigningKey.FromJwk(jwk.ToJsonString());

        key.Algorithm.Should().Be(algorithm);
        Validators.For(key).ValidateToken(RawToken.Valid(TestKeys.For(algorithm))).IsValid.Should().BeTrue();
    }

    [TestCase("none")]
    [TestCase("ES521")]
    [TestCase("es256")]
    public void FromJwk_UnknownAlg_Throws(string alg)
    {
        var jwk = Node(JwtAlgorithm.ES256);
        jwk["alg"] = alg;

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase("x")]
    [TestCase("y")]
    public void FromJwk_CoordinateNotStrictBase64Url_Throws(string member)
    {
        var jwk = Node(JwtAlgorithm.ES256);
        jwk[member] = (string)jwk[member]! + "=";

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase("p")]
    [TestCase("qi")]
    public void FromJwk_RsaPrivateWithoutCrtMember_Throws(string member)
    {
        var jwk = Node(JwtAlgorithm.RS256, includePrivateKey: true);
        jwk.Remove(member);

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase("""{"kty":"RSA",""")]
    [TestCase("[]")]
    public void FromJwk_NotAJsonObject_Throws(string json)
    {
        var act = () => SigningKey.FromJwk(json);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void FromJwk_UnsupportedKty_Throws()
    {
        var act = () => SigningKey.FromJwk("""{"kty":"oct-x","alg":"HS256","k":"AAAA"}""");

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase("D", "d")]
    [TestCase("ALG", "alg")]
    [TestCase("Use", "use")]
    [TestCase("KID", "kid")]
    [TestCase("Key_Ops", "key_ops")]
    public void FromJwk_AMemberNamedLikeARegisteredOneInAnotherCase_IsRefused(string member, string registered)
    {
        // The JWK parser reads names ignoring case: a public key with a "D" member would come back able to sign.
        var node = Node(JwtAlgorithm.ES256);
        JsonNode value = registered switch
        {
            "d" => Node(JwtAlgorithm.ES256, includePrivateKey: true)["d"]!.GetValue<string>(),
            "key_ops" => new JsonArray("verify"),
            _ => "x",
        };
        node.Remove(registered);
        node[member] = value;

        var act = () => SigningKey.FromJwk(node.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>().WithMessage($"*\"{member}\"*read as \"{registered}\"*");
    }

    [Test]
    public void FromJwk_TheSameMemberTwice_IsRefused()
    {
        var json = Node(JwtAlgorithm.ES256).ToJsonString().TrimEnd('}') + ",\"kid\":\"other\"}";

        var act = () => SigningKey.FromJwk(json);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*\"kid\" twice*");
    }

    [Test]
    public void FromJwk_AnUnregisteredMemberInAnyCase_IsIgnored()
    {
        var node = Node(JwtAlgorithm.ES256);
        node["Comment"] = "rotated 2026-11";
        node["ext"] = true;

        SigningKey.FromJwk(node.ToJsonString()).CanSign.Should().BeFalse();
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void FromJwk_PrivateKeyWhoseKeyOpsAllowOnlyVerify_ImportsItsPublicHalf(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        var node = Node(algorithm, includePrivateKey: true);
        node["key_ops"] = new JsonArray("verify");

        var imported = SigningKey.FromJwk(node.ToJsonString());

        imported.CanSign.Should().BeFalse("RFC 7517 §4.3: the key is declared for verifying only");
        imported.KeyId.Should().Be(key.KeyId);
        Validators.For(imported).ValidateToken(RawToken.Valid(key)).Error.Should().Be(JwtSessions.Validation.TokenValidationError.None);
    }

    [Test]
    public void FromJwk_PrivateKeyWhoseKeyOpsAllowSign_CanSign()
    {
        var node = Node(JwtAlgorithm.ES256, includePrivateKey: true);
        node["key_ops"] = new JsonArray("sign", "verify");

        SigningKey.FromJwk(node.ToJsonString()).CanSign.Should().BeTrue();
    }

    private static JsonObject Node(JwtAlgorithm algorithm, bool includePrivateKey = false)
    {
        var key = TestKeys.For(algorithm);
        return JsonNode.Parse(key.ToJwk(includePrivateKey || key.KeyType == SigningKeyType.Symmetric))!.AsObject();
    }
}
