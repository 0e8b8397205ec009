using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace JwtSessions.Internal;

/// <summary>
/// Strict base64url (RFC 7515 §2, RFC 4648 §5): alphabet <c>[A-Za-z0-9_-]</c> only, no padding, no whitespace,
/// no length of 1 mod 4, and canonical trailing bits (RFC 4648 §3.5).
/// </summary>
/// <remarks>
/// The BCL decoders skip whitespace and padding (docs/security.md, checklist item 4), so every segment passes
/// <see cref="IsCanonical(ReadOnlySpan{byte})"/> before <see cref="Base64Url"/> decodes it. One string then has exactly one
/// decoding and one decoded value exactly one encoding: nothing downstream can be split by re-encodings.
/// </remarks>
internal static class Base64UrlStrict
{
    private static readonly SearchValues<byte> s_alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8);

    public static bool IsCanonical(ReadOnlySpan<byte> encoded)
    {
        var remainder = encoded.Length & 3;
        if (remainder == 1 || encoded.IndexOfAnyExcept(s_alphabet) >= 0)
        {
            return false;
        }

        return remainder switch
        {
            2 => (Value(encoded[^1]) & 0x0F) == 0,
            3 => (Value(encoded[^1]) & 0x03) == 0,
            _ => true,
        };
    }

    /// <summary>Gets the decoded length of a canonical encoded segment.</summary>
    public static int DecodedLength(int encodedLength) => (encodedLength * 3) >> 2;

    /// <summary>Decodes a segment already checked by <see cref="IsCanonical"/>.</summary>
    public static int Decode(ReadOnlySpan<byte> encoded, Span<byte> destination)
    {
        var status = Base64Url.DecodeFromUtf8(encoded, destination, out _, out var written);
        return status == OperationStatus.Done ? written : -1;
    }

    /// <summary>Strictly decodes text (JWK members); <see langword="null"/> when not canonical base64url.</summary>
    public static byte[]? DecodeText(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded) || encoded.Length > 64 * 1024 || !System.Text.Ascii.IsValid(encoded))
        {
            return null;
        }

        var utf8 = System.Text.Encoding.ASCII.GetBytes(encoded);
        if (!IsCanonical(utf8))
        {
            return null;
        }

        var result = new byte[DecodedLength(utf8.Length)];
        return Decode(utf8, result) == result.Length ? result : null;
    }

    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Value(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'-' => 62,
        _ => 63,
    };
}
