using System.Numerics;
using System.Security.Cryptography;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Signing;

public sealed class RsaSigningKeyTests
{
    private static readonly RSAParameters s_private = ExportPrivate();

    private static RSAParameters PublicParameters => new() { Modulus = s_private.Modulus, Exponent = s_private.Exponent };

    [Test]
    public void CreateRsa_1024BitModulus_Throws()
    {
        using var rsa = RSA.Create(1024);

        var act = () => SigningKey.CreateRsa(rsa.ExportParameters(includePrivateParameters: true), JwtAlgorithm.RS256);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*got 1024*");
    }

    [TestCase(8193)]
    [TestCase(8200)]
    [TestCase(16384)]
    public void CreateRsa_ModulusAbove8192Bits_Throws(int bits)
    {
        // A crafted modulus is enough: the size rule runs before the platform sees the key, and generating is slow.
        var parameters = new RSAParameters { Modulus = CraftedModulus(bits), Exponent = [0x01, 0x00, 0x01] };

        var act = () => SigningKey.CreateRsa(parameters, JwtAlgorithm.PS256);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage($"*got {bits}*");
    }

    [Test]
    public void CreateRsa_2047BitModulusPaddedTo256Bytes_Throws()
    {
        // Leading zero bytes do not count: the bit length is what is checked.
        var modulus = CraftedModulus(2047);
        var parameters = new RSAParameters { Modulus = [0x00, .. modulus], Exponent = [0x01, 0x00, 0x01] };

        var act = () => SigningKey.CreateRsa(parameters, JwtAlgorithm.RS256);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*got 2047*");
    }

    [TestCase(new byte[] { 0x01 }, TestName = "CreateRsa_Exponent1_Throws")]
    [TestCase(new byte[] { 0x00, 0x00, 0x01 }, TestName = "CreateRsa_Exponent1WithLeadingZeros_Throws")]
    [TestCase(new byte[] { 0x02 }, TestName = "CreateRsa_Exponent2_Throws")]
    [TestCase(new byte[] { 0x01, 0x00, 0x00 }, TestName = "CreateRsa_Exponent65536_Throws")]
    [TestCase(new byte[] { 0x00 }, TestName = "CreateRsa_Exponent0_Throws")]
    [TestCase(new byte[0], TestName = "CreateRsa_EmptyExponent_Throws")]
    public void CreateRsa_BadExponent_Throws(byte[] exponent)
    {
        var parameters = new RSAParameters { Modulus = PublicParameters.Modulus, Exponent = exponent };

        var act = () => SigningKey.CreateRsa(parameters, JwtAlgorithm.RS256);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*exponent*");
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void CreateRsa_NonRsaAlgorithm_Throws(JwtAlgorithm algorithm)
    {
        var act = () => SigningKey.CreateRsa(PublicParameters, algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateRsa_PublicParameters_VerifiesOnly()
    {
        var signer = SigningKey.CreateRsa(s_private, JwtAlgorithm.RS256, "rsa");
        var key = SigningKey.CreateRsa(PublicParameters, JwtAlgorithm.RS256, "rsa");

        signer.CanSign.Should().BeTrue();
        key.CanSign.Should().BeFalse();
        Validators.For(key).ValidateToken(RawToken.Valid(signer)).IsValid.Should().BeTrue();
    }

    [Test]
    public void CreateRsa_3072BitKey_SignsAndVerifies()
    {
        using var rsa = RSA.Create(3072);
        var key = SigningKey.CreateRsa(rsa.ExportParameters(includePrivateParameters: true), JwtAlgorithm.PS384);

        Validators.For(key.ToPublicKey()).ValidateToken(RawToken.Valid(key)).IsValid.Should().BeTrue();
    }

    [Test]
    public void CreateRsa_PrivateExponentOfOtherKey_Throws()
    {
        // The private half must belong to the public half, or the issuer would mint tokens nobody can verify.
        using var other = RSA.Create(2048);
        var parameters = s_private;
        parameters.D = other.ExportParameters(includePrivateParameters: true).D;

        var act = () => SigningKey.CreateRsa(parameters, JwtAlgorithm.RS256);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateRsa_ModulusNotWholeBytes_SignsAndVerifies()
    {
        // A 2052-bit modulus makes 257-byte signatures (k = 257), one byte more than KeySize / 8: the signature length must
        // come from the modulus in bytes, or every token such a key signs is rejected as a bad signature.
        var parameters = OddSizeKey();
        new BigInteger(parameters.Modulus, isUnsigned: true, isBigEndian: true).GetBitLength().Should().Be(2052);
        var key = SigningKey.CreateRsa(parameters, JwtAlgorithm.PS256, "odd");

        Validators.For(key.ToPublicKey()).ValidateToken(RawToken.Valid(key)).Error.Should().Be(TokenValidationError.None);
        var time = TestClock.Create();
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(key), TimeProvider = time };
        options.Audiences.Add(RawToken.Audience);
        var token = new TokenIssuer(options).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;
        Validators.For(key.ToPublicKey(), time).ValidateToken(token).IsValid.Should().BeTrue();
        Base64UrlDecodedLength(token.Split('.')[2]).Should().Be(257);
    }

    /// <summary>
    /// A real RSA key with a 2052-bit modulus, from a 1028-bit prime (of a 2056-bit key) and a 1024-bit prime (of a 2048-bit
    /// key): the platform only generates sizes in steps of 8 bits, and both generators set the top two bits of each prime.
    /// </summary>
    private static RSAParameters OddSizeKey()
    {
        using var a = RSA.Create(2056);
        using var b = RSA.Create(2048);
        var p = Unsigned(a.ExportParameters(includePrivateParameters: true).P!);
        var q = Unsigned(b.ExportParameters(includePrivateParameters: true).Q!);
        var n = p * q;
        var e = new BigInteger(65537);
        var d = ModInverse(e, (p - 1) * (q - 1));
        var size = (int)((n.GetBitLength() + 7) / 8);
        var half = (size + 1) / 2;
        return new RSAParameters
        {
            Modulus = Bytes(n, size),
            Exponent = [0x01, 0x00, 0x01],
            D = Bytes(d, size),
            P = Bytes(p, half),
            Q = Bytes(q, half),
            DP = Bytes(d % (p - 1), half),
            DQ = Bytes(d % (q - 1), half),
            InverseQ = Bytes(ModInverse(q, p), half),
        };
    }

    private static BigInteger Unsigned(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static byte[] Bytes(BigInteger value, int length)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var padded = new byte[length];
        bytes.CopyTo(padded, length - bytes.Length);
        return padded;
    }

    private static BigInteger ModInverse(BigInteger value, BigInteger modulus)
    {
        BigInteger t = 0, newT = 1, r = modulus, newR = value % modulus;
        while (!newR.IsZero)
        {
            var quotient = r / newR;
            (t, newT) = (newT, t - (quotient * newT));
            (r, newR) = (newR, r - (quotient * newR));
        }

        return t < 0 ? t + modulus : t;
    }

    private static int Base64UrlDecodedLength(string segment) => segment.Length * 3 / 4;

    private static RSAParameters ExportPrivate()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportParameters(includePrivateParameters: true);
    }

    /// <summary>A modulus of exactly <paramref name="bits"/> bits: top bit set, odd. Not a real RSA modulus.</summary>
    private static byte[] CraftedModulus(int bits)
    {
        var bytes = new byte[(bits + 7) / 8];
        bytes.AsSpan().Fill(0xA5);
        var topBits = bits % 8 == 0 ? 8 : bits % 8;
        bytes[0] = (byte)(1 << (topBits - 1));
        bytes[^1] |= 1;
        return bytes;
    }

    [Test]
    public void CreateRsa_PublicExponentNotBelowTheModulus_IsRefused()
    {
        using var rsa = RSA.Create(2048);
        var modulus = rsa.ExportParameters(includePrivateParameters: false).Modulus!;
        var atModulus = new RSAParameters { Modulus = modulus, Exponent = modulus };
        var above = new RSAParameters { Modulus = modulus, Exponent = Enumerable.Repeat((byte)0xFF, 257).ToArray() };

        FluentActions.Invoking(() => SigningKey.CreateRsa(atModulus, JwtAlgorithm.RS256))
            .Should().Throw<InvalidSigningKeyException>().WithMessage("*smaller than the modulus*");
        FluentActions.Invoking(() => SigningKey.CreateRsa(above, JwtAlgorithm.RS256))
            .Should().Throw<InvalidSigningKeyException>().WithMessage("*smaller than the modulus*");
    }

    [Test]
    public void CreateRsa_EvenModulus_IsRefused()
    {
        using var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        parameters.Modulus![^1] &= 0xFE;

        var act = () => SigningKey.CreateRsa(parameters, JwtAlgorithm.RS256);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*modulus must be odd*");
    }
}
