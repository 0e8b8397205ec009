using System.Text.RegularExpressions;

namespace JwtSessions.Tests.Support;

/// <summary>
/// What token material looks like in text: a compact JWS (every token JwtSessions mints, access and refresh alike, and a
/// DPoP proof, starts with the base64url of <c>{"</c>), a raw key or MAC of 32, 48 or 64 bytes in base64url or base64 (a
/// run of that exact length, with upper case, lower case and digits), and a JWK's private members.
/// </summary>
internal static partial class TokenShapes
{
    /// <summary>The name of the first shape found in <paramref name="text"/>, or <see langword="null"/>.</summary>
    public static string? Find(string text)
    {
        if (text.Contains("eyJ", StringComparison.Ordinal) && CompactJws().IsMatch(text))
        {
            return "a compact JWS";
        }

        if (PrivateJwkMember().IsMatch(text))
        {
            return "a JWK private member";
        }

        foreach (Match match in KeyLengthRun().Matches(text))
        {
            var run = match.ValueSpan;
            if (run.ContainsAnyInRange('A', 'Z') && run.ContainsAnyInRange('a', 'z') && run.ContainsAnyInRange('0', '9'))
            {
                return $"a key-length base64 run ({run.TrimEnd('=').Length} characters)";
            }
        }

        return null;
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}\.(?:eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*|[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex CompactJws();

    [GeneratedRegex(@"""(?:d|p|q|dp|dq|qi|k)""\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateJwkMember();

    // 32, 48 and 64 bytes: 43, 64 and 86 base64url characters, or 44, 64 and 88 base64 characters with their padding.
    [GeneratedRegex(@"(?<![A-Za-z0-9_+/-])(?:[A-Za-z0-9_-]{43}|[A-Za-z0-9_-]{64}|[A-Za-z0-9_-]{86}|[A-Za-z0-9+/]{43}=|[A-Za-z0-9+/]{64}|[A-Za-z0-9+/]{86}==)(?![A-Za-z0-9_+/=-])", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLengthRun();
}
