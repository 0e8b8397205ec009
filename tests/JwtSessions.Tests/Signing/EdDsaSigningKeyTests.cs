using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.IdentityModel.Tokens;
using Validators = JwtSessions.Tests.Support.Validators;

namespace JwtSessions.Tests.Signing;

public sealed class EdDsaSigningKeyTests
{
    [Test]
    public void CreateEd25519_YOfNoPoint_Throws()
    {
        // y = 2: (y² - 1) / (d·y² + 1) is not a square mod 2^255 - 19, so no x exists and this encodes no point.
        var encoded = new byte[32];
        encoded[0] = 2;

        var act = () => SigningKey.CreateEd25519(encoded);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateEd25519_IdentityPoint_Throws()
    {
        // (0, 1) is on the curve but of order 1: any signature with R = identity and S = 0 would "verify".
        var encoded = new byte[32];
        encoded[0] = 1;

        var act = () => SigningKey.CreateEd25519(encoded);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateEd25519_NonCanonicalY_Throws()
    {
        // y = p = 2^255 - 19 (little-endian ED FF .. FF 7F) is the non-canonical encoding of y = 0.
        var encoded = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        encoded[0] = 0xED;
        encoded[31] = 0x7F;

        var act = () => SigningKey.CreateEd25519(encoded);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(31)]
    [TestCase(33)]
    public void CreateEd25519_WrongPublicKeyLength_Throws(int length)
    {
        var act = () => SigningKey.CreateEd25519(new byte[length]);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateEd25519_SeedOfOtherKey_Throws()
    {
        var a = Jwk(SigningKey.Generate(JwtAlgorithm.EdDSA));
        var b = Jwk(SigningKey.Generate(JwtAlgorithm.EdDSA));

        var act = () => SigningKey.CreateEd25519(Base64UrlEncoder.DecodeBytes(a.X), Base64UrlEncoder.DecodeBytes(b.D));

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*does not belong*");
    }

    [Test]
    public void CreateEd25519_MatchingSeed_SignsAndPublicHalfVerifies()
    {
        var jwk = Jwk(SigningKey.Generate(JwtAlgorithm.EdDSA));
        var key = SigningKey.CreateEd25519(Base64UrlEncoder.DecodeBytes(jwk.X), Base64UrlEncoder.DecodeBytes(jwk.D), "ed");
        var verifier = SigningKey.CreateEd25519(Base64UrlEncoder.DecodeBytes(jwk.X), keyId: "ed");

        key.CanSign.Should().BeTrue();
        verifier.CanSign.Should().BeFalse();
        Validators.For(verifier).ValidateToken(RawToken.Valid(key)).IsValid.Should().BeTrue();
    }

    [Test]
    public void FromJwk_OkpWithOtherCurve_Throws()
    {
        var act = () => SigningKey.FromJwk("""{"kty":"OKP","crv":"Ed448","x":"AAAA"}""");

        act.Should().Throw<InvalidSigningKeyException>();
    }

    private static JsonWebKey Jwk(SigningKey key) => key.ToJsonWebKey(includePrivateKey: true);
}
