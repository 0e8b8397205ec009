using System.Security.Cryptography;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.IdentityModel.Tokens;
using Validators = JwtSessions.Tests.Support.Validators;

namespace JwtSessions.Tests.Signing;

public sealed class FromSecurityKeyTests
{
    [TestCase(JwtAlgorithm.HS256, 32)]
    [TestCase(JwtAlgorithm.HS384, 48)]
    [TestCase(JwtAlgorithm.HS512, 64)]
    public void FromSecurityKey_SymmetricSecurityKey_IsHmacKey(JwtAlgorithm algorithm, int size)
    {
        var secret = RandomNumberGenerator.GetBytes(size);

        var key = SigningKey.FromSecurityKey(new SymmetricSecurityKey(secret) { KeyId = "sym" }, algorithm);

        key.KeyType.Should().Be(SigningKeyType.Symmetric);
        key.KeyId.Should().Be("sym");
        Validators.For(key).ValidateToken(RawToken.Valid(SigningKey.CreateHmac(secret, algorithm, "sym"))).IsValid.Should().BeTrue();
    }

    [Test]
    public void FromSecurityKey_ShortSymmetricSecurityKey_Throws()
    {
        var act = () => SigningKey.FromSecurityKey(new SymmetricSecurityKey(new byte[47]), JwtAlgorithm.HS384);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void FromSecurityKey_RsaSecurityKeyWithRsa_CanSign()
    {
        using var rsa = RSA.Create(2048);

        var key = SigningKey.FromSecurityKey(new RsaSecurityKey(rsa) { KeyId = "r" }, JwtAlgorithm.PS256);

        key.CanSign.Should().BeTrue();
        key.KeyId.Should().Be("r");
        var verifier = SigningKey.FromSecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "r" }, JwtAlgorithm.PS256);
        verifier.CanSign.Should().BeFalse();
        Validators.For(verifier).ValidateToken(RawToken.Valid(key)).IsValid.Should().BeTrue();
    }

    [Test]
    public void FromSecurityKey_RsaSecurityKeyWithPrivateParameters_CanSign()
    {
        using var rsa = RSA.Create(2048);

        var key = SigningKey.FromSecurityKey(new RsaSecurityKey(rsa.ExportParameters(true)), JwtAlgorithm.RS384, "explicit");

        key.CanSign.Should().BeTrue();
        key.KeyId.Should().Be("explicit");
    }

    [Test]
    public void FromSecurityKey_RsaSecurityKeyPublicOnlyRsa_VerifiesOnly()
    {
        using var rsa = RSA.Create(2048);
        using var publicRsa = RSA.Create();
        publicRsa.ImportParameters(rsa.ExportParameters(false));

        var key = SigningKey.FromSecurityKey(new RsaSecurityKey(publicRsa), JwtAlgorithm.RS256);

        key.CanSign.Should().BeFalse();
    }

    [Test]
    public void FromSecurityKey_Rsa1024SecurityKey_Throws()
    {
        using var rsa = RSA.Create(1024);

        var act = () => SigningKey.FromSecurityKey(new RsaSecurityKey(rsa), JwtAlgorithm.RS256);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.ES384)]
    [TestCase(JwtAlgorithm.ES512)]
    public void FromSecurityKey_ECDsaSecurityKey_SignsAndVerifies(JwtAlgorithm algorithm)
    {
        using var ecdsa = ECDsa.Create(EcdsaSigningKey.CurveOf(algorithm));

        var key = SigningKey.FromSecurityKey(new ECDsaSecurityKey(ecdsa) { KeyId = "e" }, algorithm);

        key.CanSign.Should().BeTrue();
        key.KeyId.Should().Be("e");
        Validators.For(key.ToPublicKey()).ValidateToken(RawToken.Valid(key)).IsValid.Should().BeTrue();
    }

    [Test]
    public void FromSecurityKey_ECDsaSecurityKeyOnOtherCurve_Throws()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var act = () => SigningKey.FromSecurityKey(new ECDsaSecurityKey(ecdsa), JwtAlgorithm.ES256);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public void FromSecurityKey_JsonWebKey_BindsAndKeepsKid(JwtAlgorithm algorithm)
    {
        var original = TestKeys.For(algorithm);
        var jwk = original.ToJsonWebKey(includePrivateKey: true);

        var key = SigningKey.FromSecurityKey(jwk, algorithm);

        key.KeyId.Should().Be(original.KeyId);
        key.Algorithm.Should().Be(algorithm);
        key.CanSign.Should().BeTrue();
        Validators.For(original).ValidateToken(RawToken.Valid(key)).IsValid.Should().BeTrue();
    }

    [Test]
    public void FromSecurityKey_JsonWebKeyWithKeyIdArgument_UsesArgument()
    {
        var key = SigningKey.FromSecurityKey(TestKeys.Es256.ToJsonWebKey(), JwtAlgorithm.ES256, "renamed");

        key.KeyId.Should().Be("renamed");
        key.CanSign.Should().BeFalse();
    }

    [Test]
    public void FromSecurityKey_JsonWebKeyOfOtherAlgorithm_Throws()
    {
        var act = () => SigningKey.FromSecurityKey(TestKeys.Rs256.ToJsonWebKey(), JwtAlgorithm.PS256);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.RS256)]
    public void FromSecurityKey_OkpJsonWebKeyWithoutAlgForOtherAlgorithm_Throws(JwtAlgorithm algorithm)
    {
        // An Ed25519 JWK without "alg" is not bound to EdDSA when another algorithm is asked for.
        var jwk = TestKeys.For(JwtAlgorithm.EdDSA).ToJsonWebKey();
        jwk.Alg = null;

        var act = () => SigningKey.FromSecurityKey(jwk, algorithm);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*OKP*EdDSA*");
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void FromSecurityKey_SymmetricSecurityKeyForAsymmetricAlgorithm_Throws(JwtAlgorithm algorithm)
    {
        // The RS256/HS256 confusion family: secret bytes never become an asymmetric key, nor the reverse.
        var act = () => SigningKey.FromSecurityKey(new SymmetricSecurityKey(new byte[64]), algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.ES256)]
    public void FromSecurityKey_RsaSecurityKeyForOtherAlgorithm_Throws(JwtAlgorithm algorithm)
    {
        using var rsa = RSA.Create(2048);

        var act = () => SigningKey.FromSecurityKey(new RsaSecurityKey(rsa), algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.RS256)]
    public void FromSecurityKey_ECDsaSecurityKeyForOtherAlgorithm_Throws(JwtAlgorithm algorithm)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var act = () => SigningKey.FromSecurityKey(new ECDsaSecurityKey(ecdsa), algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void FromSecurityKey_EmptyKeyIdForAJsonWebKey_IsRefusedNotReplacedByTheThumbprint()
    {
        var jwk = SigningKey.Generate(JwtAlgorithm.ES256, "kid-1").ToJsonWebKey();

        var act = () => SigningKey.FromSecurityKey(jwk, JwtAlgorithm.ES256, string.Empty);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*1 to 256 characters*");
    }
}
