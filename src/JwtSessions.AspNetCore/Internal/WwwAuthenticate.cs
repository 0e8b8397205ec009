using System.Text;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The <c>WWW-Authenticate: Bearer</c> challenge of RFC 6750 §3, and the <c>DPoP</c> one of RFC 9449 §7.1.</summary>
internal static class WwwAuthenticate
{
    /// <summary>Whether a header value is a Bearer credential (the scheme, case-insensitive, alone or followed by whitespace).</summary>
    public static bool IsBearer(string? value)
        => value is not null
            && value.Length >= 6
            && value.AsSpan(0, 6).Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            && (value.Length == 6 || value[6] is ' ' or '\t');

    /// <summary>Whether a header value is a DPoP credential (RFC 9449 §7.1: the scheme, case-insensitive, and a token).</summary>
    public static bool IsDpop(string? value)
        => value is not null
            && value.Length > 5
            && value.AsSpan(0, 4).Equals("DPoP", StringComparison.OrdinalIgnoreCase)
            && value[4] == ' ';

    /// <summary>
    /// Builds the <c>DPoP</c> challenge of RFC 9449 §7.1: its error (when the request presented a credential) and the proof
    /// algorithms the server accepts.
    /// </summary>
    public static string BuildDpop(string? realm, string? error, string? description, string algs)
        => Build("DPoP ", realm, error, description, "algs", algs);

    /// <summary>
    /// Builds the challenge: <c>Bearer</c> alone when there is nothing to say (RFC 6750 §3.1: a request without credentials
    /// gets no error code), else its auth-params as quoted strings.
    /// </summary>
    public static string Build(string? realm, string? error, string? description, string? scope)
    {
        if (realm is null && error is null && description is null && scope is null)
        {
            return "Bearer";
        }

        return Build("Bearer ", realm, error, description, "scope", scope);
    }

    // The scheme, then its auth-params in order: realm, error, error_description and the scheme's own last one.
    private static string Build(string scheme, string? realm, string? error, string? description, string lastName, string? lastValue)
    {
        var builder = new StringBuilder(scheme);
        var first = true;
        Append(builder, "realm", realm, ref first);
        Append(builder, "error", error, ref first);
        Append(builder, "error_description", description, ref first);
        Append(builder, lastName, lastValue, ref first);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, string name, string? value, ref bool first)
    {
        if (value is null)
        {
            return;
        }

        if (!first)
        {
            builder.Append(", ");
        }

        first = false;
        builder.Append(name).Append("=\"");
        foreach (var c in value)
        {
            // quoted-string (RFC 9110 §5.6.4): escape the quote and the backslash; drop controls, which no header may carry.
            if (c is '"' or '\\')
            {
                builder.Append('\\');
            }

            if (c >= ' ' && c != '\x7f')
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
    }
}
