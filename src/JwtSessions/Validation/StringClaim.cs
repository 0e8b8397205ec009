namespace JwtSessions.Validation;

/// <summary>
/// A string claim's place in the payload: its opening quote, and its closing quote when the string has no escape (then the
/// bytes between are its value, with no search), else -1.
/// </summary>
internal readonly record struct StringClaim(int Start, int RawEnd)
{
    public static StringClaim Absent => new(-1, -1);

    public bool IsPresent => Start >= 0;

    /// <summary>Gets whether the string is empty; an escape always yields at least one character.</summary>
    public bool IsEmptyString => RawEnd == Start + 1;

    /// <summary>The value's bytes when the string has no escape.</summary>
    public bool TryRaw(ReadOnlySpan<byte> json, out ReadOnlySpan<byte> raw)
    {
        raw = RawEnd >= 0 ? json[(Start + 1)..RawEnd] : default;
        return RawEnd >= 0;
    }
}
