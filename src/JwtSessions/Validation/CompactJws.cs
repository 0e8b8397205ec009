using JwtSessions.Internal;

namespace JwtSessions.Validation;

/// <summary>The compact-JWS split (docs/validation.md, steps 4 and 5): three segments, each strict base64url.</summary>
internal static class CompactJws
{
    /// <summary>
    /// Compact serialization only (RFC 7515 §7.1): exactly two '.', a non-empty header, and three strict base64url segments.
    /// Five segments (JWE) and JSON serialization fail here. The payload may be empty; <see cref="TokenValidator"/> rejects that.
    /// </summary>
    public static bool TrySplit(ReadOnlySpan<byte> token, out int firstDot, out int secondDot)
    {
        secondDot = -1;
        firstDot = token.IndexOf((byte)'.');
        if (firstDot <= 0)
        {
            return false;
        }

        var afterFirst = token[(firstDot + 1)..].IndexOf((byte)'.');
        if (afterFirst < 0)
        {
            return false;
        }

        secondDot = firstDot + 1 + afterFirst;
        return token[(secondDot + 1)..].IndexOf((byte)'.') < 0
            && Base64UrlStrict.IsCanonical(token[..firstDot])
            && Base64UrlStrict.IsCanonical(token[(firstDot + 1)..secondDot])
            && Base64UrlStrict.IsCanonical(token[(secondDot + 1)..]);
    }
}
