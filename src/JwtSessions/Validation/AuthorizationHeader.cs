using System.Text;

namespace JwtSessions.Validation;

/// <summary>
/// The <c>Authorization</c> header syntax (docs/validation.md, step 2): <c>Bearer</c> in any letter case, one space, and a
/// token. The rest of the rule, no space or tab after the scheme, is applied by <see cref="TokenValidator"/> only when the
/// token fails as malformed, so a well-formed header is scanned once.
/// </summary>
internal static class AuthorizationHeader
{
    /// <summary>The length of <c>Bearer </c>: the scheme and its one space.</summary>
    public const int BearerPrefixLength = 7;

    // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token. The scheme is case-insensitive (RFC 9110 §11.1); we accept
    // exactly one space and nothing after the token, which rejects tabs, doubled spaces and multiple credentials. A header
    // without the scheme, the space and at least one character after it is no Bearer credential.
    public static bool HasBearerPrefix(ReadOnlySpan<char> value)
        => value.Length > BearerPrefixLength && value[6] == ' ' && Ascii.EqualsIgnoreCase(value[..6], "Bearer");

    public static bool HasBearerPrefix(ReadOnlySpan<byte> value)
        => value.Length > BearerPrefixLength && value[6] == (byte)' ' && Ascii.EqualsIgnoreCase(value[..6], "Bearer"u8);

    /// <summary>The length of <c>DPoP </c>: the scheme and its one space.</summary>
    public const int DpopPrefixLength = 5;

    // RFC 9449 §7.1: credentials = "DPoP" 1*SP token68, the scheme case-insensitive, with the same one-space rule as Bearer.
    public static bool HasDpopPrefix(ReadOnlySpan<char> value)
        => value.Length > DpopPrefixLength && value[4] == ' ' && Ascii.EqualsIgnoreCase(value[..4], "DPoP");
}
