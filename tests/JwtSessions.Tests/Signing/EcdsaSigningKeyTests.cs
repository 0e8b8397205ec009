using System.Security.Cryptography;
using System.Text.Json.Nodes;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Signing;

public sealed class EcdsaSigningKeyTests
{
    [TestCase(JwtAlgorithm.ES256, "nistP384")]
    [TestCase(JwtAlgorithm.ES256, "nistP521")]
    [TestCase(JwtAlgorithm.ES384, "nistP256")]
    [TestCase(JwtAlgorithm.ES512, "nistP256")]
    [TestCase(JwtAlgorithm.ES512, "nistP384")]
    public void CreateEcdsa_KeyOnWrongCurve_Throws(JwtAlgorithm algorithm, string curve)
    {
        using var ecdsa = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));

        var act = () => SigningKey.CreateEcdsa(ecdsa.ExportParameters(includePrivateParameters: true), algorithm);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*curve*");
    }

    [Test]
    public void CreateEcdsa_Secp256k1Key_Throws()
    {
        // Same size as P-256, different curve: the name (OID) decides, not the coordinate length.
        ECDsa ecdsa;
        try
        {
            ecdsa = ECDsa.Create(ECCurve.CreateFromFriendlyName("secP256k1"));
        }
        catch (PlatformNotSupportedException)
        {
            Assert.Ignore("secp256k1 is not available on this platform.");
            return;
        }

        using (ecdsa)
        {
            var act = () => SigningKey.CreateEcdsa(ecdsa.ExportParameters(includePrivateParameters: false), JwtAlgorithm.ES256);

            act.Should().Throw<InvalidSigningKeyException>();
        }
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void CreateEcdsa_NonEcdsaAlgorithm_Throws(JwtAlgorithm algorithm)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var act = () => SigningKey.CreateEcdsa(ecdsa.ExportParameters(includePrivateParameters: false), algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.ES384)]
    [TestCase(JwtAlgorithm.ES512)]
    public void FromJwk_YAlteredByOneBit_Throws(JwtAlgorithm algorithm)
    {
        var jwk = JsonNode.Parse(TestKeys.For(algorithm).ToJwk())!.AsObject();
        var y = Base64UrlEncoder.DecodeBytes((string)jwk["y"]!);
        y[^1] ^= 0x01;
        jwk["y"] = Base64UrlEncoder.Encode(y);

        var act = () => SigningKey.FromJwk(jwk.ToJsonString());

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateEcdsa_PointOffCurve_Throws()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        parameters.Q.X![0] ^= 0x80;

        var act = () => SigningKey.CreateEcdsa(parameters, JwtAlgorithm.ES256);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.ES384)]
    [TestCase(JwtAlgorithm.ES512)]
    public void CreateEcdsa_PrivateScalarOfOtherKey_Throws(JwtAlgorithm algorithm)
    {
        using var a = ECDsa.Create(EcdsaSigningKey.CurveOf(algorithm));
        using var b = ECDsa.Create(EcdsaSigningKey.CurveOf(algorithm));
        var parameters = a.ExportParameters(includePrivateParameters: true);
        parameters.D = b.ExportParameters(includePrivateParameters: true).D;

        var act = () => SigningKey.CreateEcdsa(parameters, algorithm);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateEcdsa_ShortCoordinate_Throws()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        parameters.Q.X = parameters.Q.X![1..];

        var act = () => SigningKey.CreateEcdsa(parameters, JwtAlgorithm.ES256);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void CreateEcdsa_NamedCurveWithoutAnOid_IsRefusedAsAnotherCurve()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        parameters.Curve = new ECCurve { CurveType = ECCurve.ECCurveType.Named };

        var act = () => SigningKey.CreateEcdsa(parameters, JwtAlgorithm.ES256);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*another curve*");
    }

    [TestCase(JwtAlgorithm.ES256, "nistP256")]
    [TestCase(JwtAlgorithm.ES384, "nistP384")]
    [TestCase(JwtAlgorithm.ES512, "nistP521")]
    public void VerifySignature_P1363AndDerOfTheSameSignature_AcceptsP1363AndRejectsDer(JwtAlgorithm algorithm, string curve)
    {
        // RFC 7518 §3.4: a JWS ECDSA signature is R || S at the field size, never DER. The key verifies through the
        // VerifyData overload without a DSASignatureFormat (the cheapest one), which must read P1363.
        using var ecdsa = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        using var key = SigningKey.CreateEcdsa(ecdsa.ExportParameters(includePrivateParameters: false), algorithm, "k1");
        var data = "header.payload"u8.ToArray();
        var hash = algorithm.GetHashAlgorithm();
        var p1363 = ecdsa.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var der = ecdsa.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);

        key.VerifySignature(data, p1363).Should().BeTrue();
        key.VerifySignature(data, der).Should().BeFalse();
        key.VerifySignature(data, DerPaddedTo(der, p1363.Length)).Should().BeFalse("a DER signature at the P1363 length is still not R || S");
    }

    [TestCase("nistP256", 256)]
    [TestCase("nistP384", 384)]
    [TestCase("nistP521", 512)]
    public void VerifyDataWithoutFormat_IsIeeeP1363_AcceptsP1363AndRejectsDer(string curve, int hashBits)
    {
        // The platform's contract the key relies on: ECDsa.VerifyData(span, span, hash) reads IEEE P1363, like the overload
        // that names DSASignatureFormat.IeeeP1363FixedFieldConcatenation, and never DER.
        using var ecdsa = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var hash = hashBits switch { 256 => HashAlgorithmName.SHA256, 384 => HashAlgorithmName.SHA384, _ => HashAlgorithmName.SHA512 };
        var data = "header.payload"u8.ToArray();
        var p1363 = ecdsa.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var der = ecdsa.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);

        ecdsa.VerifyData(data.AsSpan(), p1363, hash).Should().BeTrue();
        ecdsa.VerifyData(data.AsSpan(), der, hash).Should().BeFalse();
        ecdsa.VerifyData(data.AsSpan(), der, hash, DSASignatureFormat.Rfc3279DerSequence).Should().BeTrue("the DER signature itself is sound");
    }

    /// <summary>The DER signature cut or zero-padded to <paramref name="length"/> bytes, so only its encoding can reject it.</summary>
    private static byte[] DerPaddedTo(byte[] der, int length)
    {
        var padded = new byte[length];
        der.AsSpan(0, Math.Min(der.Length, length)).CopyTo(padded);
        return padded;
    }
}
