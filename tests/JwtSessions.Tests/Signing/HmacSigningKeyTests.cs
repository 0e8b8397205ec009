using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Signing;

public sealed class HmacSigningKeyTests
{
    [TestCase(JwtAlgorithm.HS256, 32)]
    [TestCase(JwtAlgorithm.HS384, 48)]
    [TestCase(JwtAlgorithm.HS512, 64)]
    public void CreateHmac_SecretOneByteShorterThanHash_Throws(JwtAlgorithm algorithm, int hashSize)
    {
        var act = () => SigningKey.CreateHmac(new byte[hashSize - 1], algorithm);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage($"*at least {hashSize} bytes*");
    }

    [TestCase(JwtAlgorithm.HS256, 32)]
    [TestCase(JwtAlgorithm.HS384, 48)]
    [TestCase(JwtAlgorithm.HS512, 64)]
    public void CreateHmac_SecretAsLongAsHash_SignsAndVerifies(JwtAlgorithm algorithm, int hashSize)
    {
        var key = SigningKey.CreateHmac(Enumerable.Range(1, hashSize).Select(static i => (byte)i).ToArray(), algorithm, "k");

        key.Algorithm.Should().Be(algorithm);
        key.KeyType.Should().Be(SigningKeyType.Symmetric);
        key.CanSign.Should().BeTrue();
        Validators.For(key).ValidateToken(RawToken.Valid(key)).IsValid.Should().BeTrue();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.HS384)]
    [TestCase(JwtAlgorithm.HS512)]
    public void CreateHmac_EmptySecret_Throws(JwtAlgorithm algorithm)
    {
        var act = () => SigningKey.CreateHmac(ReadOnlySpan<byte>.Empty, algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void CreateHmac_AsymmetricAlgorithm_Throws(JwtAlgorithm algorithm)
    {
        var act = () => SigningKey.CreateHmac(new byte[64], algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateHmac_NoKeyId_UsesRandom128BitKeyId()
    {
        var a = SigningKey.CreateHmac(new byte[32], JwtAlgorithm.HS256);
        var b = SigningKey.CreateHmac(new byte[32], JwtAlgorithm.HS256);

        a.KeyId.Should().HaveLength(22).And.NotBe(b.KeyId);
    }

    [Test]
    public void ToPublicKey_Hmac_Throws()
    {
        var act = () => TestKeys.Hs256.ToPublicKey();

        act.Should().Throw<InvalidOperationException>();
    }
}
