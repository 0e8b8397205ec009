using CsCheck;

namespace JwtSessions.Tests.Properties;

/// <summary>
/// Generators shared by the property tests, and their run sizes. CsCheck draws a new seed each run and prints it with any
/// failure; set <c>CsCheck_Seed</c> to that seed to replay it, and <c>CsCheck_Iter</c> to run longer (docs/testing.md).
/// </summary>
internal static class PropertyGens
{
    /// <summary>Samples per property in a plain <c>dotnet test</c>: a few seconds each on a small machine.</summary>
    public const int Iterations = 400;

    /// <summary>Unicode scalar values from the ranges that break JSON writers and readers, as strings (1 or 2 UTF-16 units).</summary>
    public static Gen<string> Scalar { get; } = Gen.Frequency(
        (6, Gen.Char['a', 'z'].Select(static c => c.ToString())),
        (3, Gen.Char[' ', '~'].Select(static c => c.ToString())),
        (2, Gen.OneOf("\"", "\\", "/", "\0", "\b", "\f", "\n", "\r", "\t", "\u001f", "\u007f", "<", ">", "&", "'", "+", "`")),
        (2, Gen.Char['\u0000', '\u001f'].Select(static c => c.ToString())),
        (2, Gen.Char['\u0080', '\u07ff'].Select(static c => c.ToString())),
        (2, Gen.Char['\u0800', '\ud7ff'].Select(static c => c.ToString())),
        (1, Gen.Char['\ue000', '\uffff'].Select(static c => c.ToString())),
        (1, Gen.OneOf("\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff", "\u200b", "\u00a0")),
        (2, Gen.Int[0x10000, 0x10FFFF].Select(static cp => char.ConvertFromUtf32(cp))));

    /// <summary>Unicode text (no lone surrogate) of up to 40 scalars.</summary>
    public static Gen<string> ShortText { get; } = Scalar.Array[0, 40].Select(static parts => string.Concat(parts));

    /// <summary>Unicode text (no lone surrogate), mostly short, now and then several kilobytes.</summary>
    public static Gen<string> Text { get; } = Gen.Frequency(
        (10, ShortText),
        (1, Scalar.Array[500, 1500].Select(static parts => string.Concat(parts))));

    public static Gen<string> NonEmptyText { get; } = Text.Where(static s => s.Length > 0);

    /// <summary>A scope name: non-empty Unicode text without a space.</summary>
    public static Gen<string> ScopeName { get; } = Scalar.Where(static s => s != " ").Array[1, 12].Select(static parts => string.Concat(parts));

    /// <summary>A string that is not Unicode text: a lone high or low surrogate somewhere in it.</summary>
    public static Gen<string> TextWithLoneSurrogate { get; } = Gen.Select(
        Text,
        Gen.Char['\ud800', '\udfff'],
        Text,
        static (before, lone, after) => before + lone + (char.IsHighSurrogate(lone) && after.Length > 0 && char.IsLowSurrogate(after[0]) ? "x" : string.Empty) + after)
        .Where(static s => !IsUnicodeText(s));

    public static bool IsUnicodeText(string s) => !HasLoneSurrogate(s);

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
