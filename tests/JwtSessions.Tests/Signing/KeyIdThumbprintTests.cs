using System.Security.Cryptography;
using JwtSessions.Signing;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Signing;

/// <summary>Without an explicit kid, asymmetric keys are published under their RFC 7638 JWK thumbprint.</summary>
public sealed class KeyIdThumbprintTests
{
    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.PS512)]
    public void CreateRsa_NoKeyId_IsRfc7638Thumbprint(JwtAlgorithm algorithm)
    {
        using var rsa = RSA.Create(2048);
        var expected = Base64UrlEncoder.Encode(
            JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false))).ComputeJwkThumbprint());

        SigningKey.CreateRsa(rsa.ExportParameters(includePrivateParameters: true), algorithm).KeyId.Should().Be(expected);
        SigningKey.CreateRsa(rsa.ExportParameters(includePrivateParameters: false), algorithm).KeyId.Should().Be(expected);
        SigningKey.FromSecurityKey(new RsaSecurityKey(rsa), algorithm).KeyId.Should().Be(expected);
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.ES384)]
    [TestCase(JwtAlgorithm.ES512)]
    public void CreateEcdsa_NoKeyId_IsRfc7638Thumbprint(JwtAlgorithm algorithm)
    {
        using var ecdsa = ECDsa.Create(EcdsaSigningKey.CurveOf(algorithm));
        var expected = Base64UrlEncoder.Encode(new ECDsaSecurityKey(ecdsa).ComputeJwkThumbprint());

        SigningKey.CreateEcdsa(ecdsa.ExportParameters(includePrivateParameters: true), algorithm).KeyId.Should().Be(expected);
        SigningKey.CreateEcdsa(ecdsa.ExportParameters(includePrivateParameters: false), algorithm).KeyId.Should().Be(expected);
        SigningKey.FromSecurityKey(new ECDsaSecurityKey(ecdsa), algorithm).KeyId.Should().Be(expected);
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void Generate_NoKeyId_IsThumbprintOfItsPublicJwk(JwtAlgorithm algorithm)
    {
        var key = SigningKey.Generate(algorithm);
        var publicJwk = key.ToJsonWebKey();
        publicJwk.Kid = null;

        var reimported = SigningKey.FromJsonWebKey(publicJwk);

        reimported.KeyId.Should().Be(key.KeyId);
        key.ToPublicKey().KeyId.Should().Be(key.KeyId);
    }

    [Test]
    public void CreateEd25519_Rfc8037Example_IsRfc8037Thumbprint()
    {
        // RFC 8037 A.3: the thumbprint of the A.2 public key, over {"crv","kty","x"} (RFC 7638 with the OKP members).
        var x = Base64UrlEncoder.DecodeBytes("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");

        SigningKey.CreateEd25519(x).KeyId.Should().Be("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
        SigningKey.FromJwk("""{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""")
            .KeyId.Should().Be("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    [Test]
    public void FromJwk_ExplicitKid_IsKept()
    {
        var key = SigningKey.FromJwk("""{"kty":"OKP","crv":"Ed25519","kid":"mine","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}""");

        key.KeyId.Should().Be("mine");
    }
}
