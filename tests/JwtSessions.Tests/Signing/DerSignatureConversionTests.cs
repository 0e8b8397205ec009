using System.Formats.Asn1;
using System.Security.Cryptography;
using JwtSessions.Signing;

namespace JwtSessions.Tests.Signing;

/// <summary>
/// <see cref="ExternalSigner.ConvertDerToIeeeP1363"/>, held to the BCL: its DER signatures convert to P1363 signatures the BCL
/// verifies, and P1363 values encoded by <see cref="AsnWriter"/> come back byte for byte. Anything that is not strict DER of two
/// integers that fit the curve is refused.
/// </summary>
public sealed class DerSignatureConversionTests
{
    [TestCase(JwtAlgorithm.ES256, 32)]
    [TestCase(JwtAlgorithm.ES384, 48)]
    [TestCase(JwtAlgorithm.ES512, 66)]
    public void ConvertDerToIeeeP1363_BclDerSignatures_VerifyAsP1363(JwtAlgorithm algorithm, int fieldSize)
    {
        using var ecdsa = ECDsa.Create(Curve(algorithm));
        var hash = Hash(algorithm);
        var data = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9"u8.ToArray();
        var destination = new byte[2 * fieldSize];

        // Enough signatures that some r or s are short (leading zero bytes dropped) and some have their top bit set (a 0x00
        // prepended in DER).
        for (var i = 0; i < 200; i++)
        {
            var der = ecdsa.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);

            var written = ExternalSigner.ConvertDerToIeeeP1363(der, algorithm, destination);

            written.Should().Be(2 * fieldSize);
            ecdsa.VerifyData(data, destination, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation).Should().BeTrue();
        }
    }

    [TestCase(JwtAlgorithm.ES256, 32)]
    [TestCase(JwtAlgorithm.ES384, 48)]
    [TestCase(JwtAlgorithm.ES512, 66)]
    public void ConvertDerToIeeeP1363_AsnWriterEncodings_RoundTripExactly(JwtAlgorithm algorithm, int fieldSize)
    {
        var edges = new[]
        {
            Value(fieldSize, 0x01, 1),           // 1, the smallest valid value: one content byte
            Value(fieldSize, 0x80, fieldSize),  // top bit set: DER prepends 0x00
            Value(fieldSize, 0x7F, fieldSize),  // full length without the extra byte
            Value(fieldSize, 0x00, 0),          // 0 (rejected by verification, but a valid DER integer)
            RandomNumberGenerator.GetBytes(fieldSize),
        };
        var destination = new byte[2 * fieldSize];

        foreach (var r in edges)
        {
            foreach (var s in edges)
            {
                var expected = r.Concat(s).ToArray();

                ExternalSigner.ConvertDerToIeeeP1363(Der(r, s), algorithm, destination);

                destination.Should().Equal(expected);
            }
        }
    }

    [Test]
    public void ConvertDerToIeeeP1363_TrailingByte_ThrowsCryptographicException()
    {
        var der = Der(Value(32, 0x11, 32), Value(32, 0x22, 32));

        var act = () => ExternalSigner.ConvertDerToIeeeP1363([.. der, 0x00], JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>().WithMessage("The DER ECDSA signature has bytes after its SEQUENCE.");
    }

    [Test]
    public void ConvertDerToIeeeP1363_ThreeIntegers_ThrowsCryptographicException()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            writer.WriteInteger(2);
            writer.WriteInteger(3);
        }

        var act = () => ExternalSigner.ConvertDerToIeeeP1363(writer.Encode(), JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>().WithMessage("The DER ECDSA signature has more than two INTEGERs.");
    }

    [Test]
    public void ConvertDerToIeeeP1363_NegativeInteger_ThrowsCryptographicException()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(-5);
            writer.WriteInteger(7);
        }

        var act = () => ExternalSigner.ConvertDerToIeeeP1363(writer.Encode(), JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>().WithMessage("An ECDSA signature value is negative.");
    }

    [Test]
    public void ConvertDerToIeeeP1363_ValueLargerThanTheCurve_ThrowsCryptographicException()
    {
        // A P-384 sized value offered as an ES256 signature.
        var der = Der(Value(48, 0x11, 48), Value(32, 0x22, 32));

        var act = () => ExternalSigner.ConvertDerToIeeeP1363(der, JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>().WithMessage("An ECDSA signature value is larger than the curve.");
    }

    [Test]
    public void ConvertDerToIeeeP1363_BerLongFormLength_ThrowsCryptographicException()
    {
        // SEQUENCE with its length in the long form (0x81 0x06) where DER requires the short form.
        byte[] ber = [0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01];

        var act = () => ExternalSigner.ConvertDerToIeeeP1363(ber, JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>().WithMessage("The ECDSA signature is not a strict DER SEQUENCE of two INTEGERs.")
            .WithInnerException<AsnContentException>();
    }

    [Test]
    public void ConvertDerToIeeeP1363_NonMinimalInteger_ThrowsCryptographicException()
    {
        // INTEGER 1 written with a redundant leading zero byte.
        byte[] ber = [0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01];

        var act = () => ExternalSigner.ConvertDerToIeeeP1363(ber, JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>().WithMessage("The ECDSA signature is not a strict DER SEQUENCE of two INTEGERs.");
    }

    [Test]
    public void ConvertDerToIeeeP1363_P1363Input_ThrowsCryptographicException()
    {
        // A signer that already converted (or never used DER) hands over r || s: that is no SEQUENCE.
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p1363 = ecdsa.SignData("x"u8.ToArray(), HashAlgorithmName.SHA256);

        var act = () => ExternalSigner.ConvertDerToIeeeP1363(p1363, JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>();
    }

    [Test]
    public void ConvertDerToIeeeP1363_Empty_ThrowsCryptographicException()
    {
        var act = () => ExternalSigner.ConvertDerToIeeeP1363([], JwtAlgorithm.ES256, new byte[64]);

        act.Should().Throw<CryptographicException>().WithMessage("The ECDSA signature is not a strict DER SEQUENCE of two INTEGERs.");
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    [TestCase(JwtAlgorithm.HS256)]
    public void ConvertDerToIeeeP1363_NotEcdsa_ThrowsArgumentException(JwtAlgorithm algorithm)
    {
        var act = () => ExternalSigner.ConvertDerToIeeeP1363(Der([1], [1]), algorithm, new byte[64]);

        act.Should().Throw<ArgumentException>().WithParameterName(nameof(algorithm));
    }

    [Test]
    public void ConvertDerToIeeeP1363_DestinationTooSmall_ThrowsArgumentException()
    {
        var act = () => ExternalSigner.ConvertDerToIeeeP1363(Der([1], [1]), JwtAlgorithm.ES384, new byte[64]);

        act.Should().Throw<ArgumentException>().WithParameterName("destination").WithMessage("An ES384 signature needs 96 bytes.*");
    }

    private static byte[] Der(byte[] r, byte[] s)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(r.AsSpan().TrimStart((byte)0) is { IsEmpty: false } rt ? rt : [0]);
            writer.WriteIntegerUnsigned(s.AsSpan().TrimStart((byte)0) is { IsEmpty: false } st ? st : [0]);
        }

        return writer.Encode();
    }

    /// <summary>A big-endian value of <paramref name="fieldSize"/> bytes whose last <paramref name="length"/> bytes are set, the first of them to <paramref name="top"/>.</summary>
    private static byte[] Value(int fieldSize, byte top, int length)
    {
        var value = new byte[fieldSize];
        if (length > 0)
        {
            value.AsSpan(fieldSize - length).Fill(0x5A);
            value[fieldSize - length] = top;
        }

        return value;
    }

    private static ECCurve Curve(JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.ES256 => ECCurve.NamedCurves.nistP256,
        JwtAlgorithm.ES384 => ECCurve.NamedCurves.nistP384,
        _ => ECCurve.NamedCurves.nistP521,
    };

    private static HashAlgorithmName Hash(JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.ES256 => HashAlgorithmName.SHA256,
        JwtAlgorithm.ES384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}
