using System.Buffers.Text;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Signing;

public sealed class RsaSigningKeyModulusTests
{
    private static readonly Lazy<string> s_oddSizedJwk = new(GenerateOddSizedJwk);

    // A modulus of 2049 to 2055 bits (Wycheproof json_web_key_test tcId 7 has 2049) makes 257-byte signatures: a signature
    // size of KeySize / 8 would expect 256 bytes and reject every valid signature, the key's own tokens included.
    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.PS256)]
    public void Create_ModulusNotAMultipleOf8Bits_SignsAndVerifiesFullLengthSignatures(JwtAlgorithm algorithm)
    {
        var key = SigningKey.FromJwk(s_oddSizedJwk.Value, algorithm);
        var input = "header.payload"u8;
        var signature = new byte[1024];

        var length = key.Sign(input, signature);

        key.SignatureSize.Should().Be(257);
        length.Should().Be(257);
        key.VerifySignature(input, signature.AsSpan(0, length)).Should().BeTrue();
        key.ToPublicKey().VerifySignature(input, signature.AsSpan(0, length)).Should().BeTrue();
    }

    [Test]
    public void Validate_TokenFromIssuerWithOddSizedKey_IsValid()
    {
        var key = SigningKey.FromJwk(s_oddSizedJwk.Value, JwtAlgorithm.RS256);
        var time = TestClock.Create();
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(key), TimeProvider = time };
        options.Audiences.Add(RawToken.Audience);
        var issued = new TokenIssuer(options).Issue(new AccessTokenDescriptor { Subject = "alice" });

        var result = Validators.For(key.ToPublicKey(), time).ValidateToken(issued.Token);

        result.Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public void Create_RocaModulus_Throws()
    {
        var import = () => SigningKey.CreateRsa(
            new RSAParameters { Modulus = RocaShapedModulus(2048), Exponent = [1, 0, 1] }, JwtAlgorithm.RS256, "roca");

        import.Should().Throw<InvalidSigningKeyException>().WithMessage("*ROCA*");
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.PS512)]
    public void RocaFingerprint_GeneratedModulus_DoesNotMatch(JwtAlgorithm algorithm)
    {
        var modulus = Base64Url.DecodeFromChars(TestKeys.For(algorithm).ToJsonWebKey().N);

        RocaFingerprint.Matches(modulus).Should().BeFalse();
    }

    [Test]
    public void RocaFingerprint_RocaShapedModulus_Matches()
        => RocaFingerprint.Matches(RocaShapedModulus(2048)).Should().BeTrue();

    /// <summary>
    /// An odd number of <paramref name="bits"/> bits congruent to a power of 65537 modulo every prime from 3 to 167: the residues
    /// every product of Infineon RSALib primes has, and all the fingerprint looks at. Not an RSA modulus, which does not matter.
    /// </summary>
    private static byte[] RocaShapedModulus(int bits)
    {
        BigInteger m = 1;
        for (var p = 3; p <= 167; p += 2)
        {
            if (Enumerable.Range(2, p - 2).All(d => p % d != 0))
            {
                m *= p;
            }
        }

        var n = BigInteger.ModPow(65537, 1234, m) + (((BigInteger.One << (bits - 1)) / m) + 1) * m;
        if (n.IsEven)
        {
            n += m;
        }

        return n.ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    /// <summary>
    /// A private RSA JWK whose modulus has 2051 or 2052 bits: a 1028-bit prime (from a 2056-bit key) times a 1024-bit prime
    /// (from a 2048-bit key). The BCL only generates moduli whose size is a multiple of 8.
    /// </summary>
    private static string GenerateOddSizedJwk()
    {
        using var a = RSA.Create(2056);
        using var b = RSA.Create(2048);
        var p = Unsigned(a.ExportParameters(includePrivateParameters: true).P!);
        var q = Unsigned(b.ExportParameters(includePrivateParameters: true).Q!);
        var e = new BigInteger(65537);
        var n = p * q;
        var d = ModInverse(e, (p - 1) * (q - 1));
        ((int)(n.GetBitLength() % 8)).Should().NotBe(0);

        static string B64(BigInteger value) => Base64Url.EncodeToString(value.ToByteArray(isUnsigned: true, isBigEndian: true));
        return new JsonObject
        {
            ["kty"] = "RSA",
            ["n"] = B64(n),
            ["e"] = B64(e),
            ["d"] = B64(d),
            ["p"] = B64(p),
            ["q"] = B64(q),
            ["dp"] = B64(d % (p - 1)),
            ["dq"] = B64(d % (q - 1)),
            ["qi"] = B64(ModInverse(q, p)),
        }.ToJsonString();
    }

    private static BigInteger Unsigned(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    private static BigInteger ModInverse(BigInteger value, BigInteger modulus)
    {
        BigInteger r0 = modulus, r1 = value % modulus, t0 = 0, t1 = 1;
        while (!r1.IsZero)
        {
            var quotient = r0 / r1;
            (r0, r1) = (r1, r0 - (quotient * r1));
            (t0, t1) = (t1, t0 - (quotient * t1));
        }

        r0.IsOne.Should().BeTrue();
        return t0.Sign < 0 ? t0 + modulus : t0;
    }
}
