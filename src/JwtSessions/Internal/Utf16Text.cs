namespace JwtSessions.Internal;

/// <summary>Whether UTF-16 text is Unicode text: every surrogate paired, high then low.</summary>
/// <remarks>
/// Strings that reach the wire as UTF-8 (key ids, claims) must be: an unpaired surrogate has no UTF-8, and lenient encoders
/// write U+FFFD instead, so two distinct strings would become one on the wire.
/// </remarks>
internal static class Utf16Text
{
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        for (var i = value.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < value.Length; i++)
        {
            if (!char.IsSurrogate(value[i]))
            {
                continue;
            }

            if (!char.IsHighSurrogate(value[i]) || i + 1 == value.Length || !char.IsLowSurrogate(value[i + 1]))
            {
                return false;
            }

            i++;
        }

        return true;
    }
}
