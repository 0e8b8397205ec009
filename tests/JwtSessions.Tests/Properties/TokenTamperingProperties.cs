using System.Buffers.Text;
using System.Text;
using CsCheck;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using static JwtSessions.Validation.TokenValidationError;

namespace JwtSessions.Tests.Properties;

/// <summary>
/// docs/security.md, test bar 3, as properties: any single-byte change to a valid token or header value is rejected, with an
/// error from the set that fits where the byte is; and a segment re-encoded with padding, the standard alphabet or line
/// breaks is malformed even when re-signed.
/// </summary>
public sealed class TokenTamperingProperties
{
    /// <summary>A changed header byte: the header may still decode to JSON and name another alg, typ or kid, or break the MAC.</summary>
    private static readonly TokenValidationError[] s_inHeader = [Malformed, UnsupportedAlgorithm, UnsupportedHeader, WrongType, UnknownKey, AlgorithmMismatch, BadSignature];

    /// <summary>A changed payload or signature byte: the payload is not read before the signature holds.</summary>
    private static readonly TokenValidationError[] s_inPayloadOrSignature = [Malformed, BadSignature];

    public static IEnumerable<JwtAlgorithm> Algorithms => [JwtAlgorithm.HS256, JwtAlgorithm.ES256, JwtAlgorithm.EdDSA];

    [TestCaseSource(nameof(Algorithms))]
    public void Validate_AnySingleByteChange_IsRejectedWithAnErrorForWhereTheByteIs(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        var validator = Validators.For(key.KeyType == SigningKeyType.Symmetric ? key : key.ToPublicKey());
        var token = Encoding.ASCII.GetBytes(RawToken.Sign(RawToken.Header(key), RawToken.Payload(), key));
        validator.ValidateToken(token).Error.Should().Be(None);
        var firstDot = Array.IndexOf(token, (byte)'.');
        var secondDot = Array.LastIndexOf(token, (byte)'.');

        Gen.Select(Gen.Int[0, token.Length - 1], Gen.Byte).Where((at, value) => token[at] != value).Sample(
            (at, value) =>
            {
                var changed = (byte[])token.Clone();
                changed[at] = value;
                var error = validator.ValidateToken(changed).Error;
                var expected = at == firstDot || at == secondDot ? [Malformed] : at < firstDot ? s_inHeader : s_inPayloadOrSignature;
                error.Should().BeOneOf(expected, "byte {0} of {1} set to 0x{2:X2}", at, token.Length, value);
                if (value >= 0x80)
                {
                    error.Should().Be(Malformed, "a byte that is not ASCII is no base64url character");
                }
            },
            iter: 4 * PropertyGens.Iterations,
            threads: 1);
    }

    [Test]
    public void ValidateAuthorizationHeader_AnySingleByteChangeInTheScheme_IsAnInvalidHeaderUnlessOnlyItsCaseChanged()
    {
        var key = TestKeys.Hs256;
        var validator = Validators.For(key);
        var header = Encoding.ASCII.GetBytes("Bearer " + RawToken.Sign(RawToken.Header(key), RawToken.Payload(), key));

        Gen.Select(Gen.Int[0, 6], Gen.Byte).Where((at, value) => header[at] != value).Sample(
            (at, value) =>
            {
                var changed = (byte[])header.Clone();
                changed[at] = value;
                var caseOnly = at < 6 && char.ToLowerInvariant((char)value) == char.ToLowerInvariant((char)header[at]) && value < 0x80;
                validator.ValidateAuthorizationHeader(changed).Error.Should().Be(caseOnly ? None : InvalidAuthorizationHeader, "byte {0} set to 0x{1:X2}", at, value);
            },
            iter: PropertyGens.Iterations,
            threads: 1);
    }

    /// <summary>How a segment can be re-encoded: all decode to the same bytes with a lenient decoder.</summary>
    public enum Reencoding
    {
        Padded,
        StandardAlphabet,
        LineBreak,
        TrailingBits,
    }

    [Test]
    public void Validate_SegmentReencoded_IsMalformedEvenWhenResigned()
    {
        var key = TestKeys.Hs256;
        var validator = Validators.For(key);

        // Payloads whose encodings use '-' and '_' and need padding, so every re-encoding changes the text.
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3].Select(static i => (Reencoding)i), PropertyGens.ShortText).Sample(
            (segment, how, note) =>
            {
                var parts = new[] { RawToken.B64(RawToken.Header(key)), RawToken.B64(RawToken.Payload(extra: $"\"note\":{System.Text.Json.JsonSerializer.Serialize(note)}")) };
                var signingInput = parts[0] + "." + parts[1];
                var signature = Sign(key, signingInput);
                var segments = new[] { parts[0], parts[1], signature };
                var reencoded = Reencode(segments[segment], how);
                if (reencoded == segments[segment])
                {
                    return; // Nothing to change in this segment this way (no '-', '_' or padding): nothing to test.
                }

                segments[segment] = reencoded;
                if (segment < 2)
                {
                    // Re-signed over the re-encoded text: only the encoding rule can reject it.
                    segments[2] = Sign(key, segments[0] + "." + segments[1]);
                }

                var token = string.Join('.', segments);
                validator.ValidateToken(token).Error.Should().Be(Malformed, "segment {0} re-encoded as {1}: {2}", segment, how, token);
            },
            iter: PropertyGens.Iterations,
            threads: 1);
    }

    private static string Sign(SigningKey key, string signingInput)
    {
        var signature = new byte[key.SignatureSize];
        var length = key.Sign(Encoding.ASCII.GetBytes(signingInput), signature);
        return Base64Url.EncodeToString(signature.AsSpan(0, length));
    }

    private static string Reencode(string segment, Reencoding how)
    {
        var bytes = Base64Url.DecodeFromChars(segment);
        return how switch
        {
            Reencoding.Padded => Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_'),
            Reencoding.StandardAlphabet => segment.Replace('-', '+').Replace('_', '/'),
            Reencoding.LineBreak => segment.Length > 4 ? segment[..4] + "\r\n" + segment[4..] : segment,
            _ => WithTrailingBitSet(segment),
        };
    }

    /// <summary>The last character with an unused low bit set: decodes to the same bytes in a lenient decoder (RFC 4648 §3.5).</summary>
    private static string WithTrailingBitSet(string segment)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        var unusedBits = (segment.Length % 4) switch { 2 => 4, 3 => 2, _ => 0 };
        if (unusedBits == 0)
        {
            return segment;
        }

        var last = Alphabet.IndexOf(segment[^1], StringComparison.Ordinal);
        return segment[..^1] + Alphabet[last | 1];
    }
}
