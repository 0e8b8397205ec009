using System.Text.Json;
using System.Text.RegularExpressions;

namespace JwtSessions.Cli;

/// <summary>Parses the <c>--claim NAME=VALUE</c> arguments of <c>mint</c>.</summary>
internal static partial class ClaimArguments
{
    /// <summary>
    /// The names <c>TokenIssuer</c> sets itself or reserves. Checked here too so the message can point at the right option;
    /// the issuer still enforces its own list.
    /// </summary>
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "scope", "client_id", "gen",
    };

    /// <summary>
    /// Turns each <c>NAME=VALUE</c> into a claim. NAME is everything before the first <c>=</c>. VALUE becomes a JSON number
    /// when it is one by RFC 8259 §6 (written exactly as given), a boolean when it is <c>true</c> or <c>false</c>, and a
    /// string otherwise, unchanged: <c>007</c>, <c>null</c>, <c>"x"</c> and <c> 1</c> are all strings.
    /// </summary>
    /// <param name="arguments">The values of every <c>--claim</c>.</param>
    /// <returns>The claims by name.</returns>
    /// <exception cref="CliException">An argument has no <c>=</c> or an empty name, a name repeats, or a name is reserved.</exception>
    public static Dictionary<string, object> Parse(IEnumerable<string> arguments)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var equals = argument.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"--claim takes NAME=VALUE with a non-empty NAME; got '{argument}'.");
            }

            var name = argument[..equals];
            if (s_reserved.Contains(name))
            {
                throw new CliException(
                    $"--claim {name}: '{name}' is a registered claim the issuer sets itself; use --iss, --aud, --sub, --sid or --ttl, or pick another name.");
            }

            if (!claims.TryAdd(name, ParseValue(argument[(equals + 1)..])))
            {
                throw new CliException($"--claim {name} is given twice; a claim name appears once in a token.");
            }
        }

        return claims;
    }

    /// <summary>Reads VALUE as described on <see cref="Parse"/>.</summary>
    /// <param name="value">The text after the first <c>=</c>.</param>
    /// <returns>A boolean, a JSON number element, or the text itself.</returns>
    public static object ParseValue(string value)
    {
        if (value == "true")
        {
            return true;
        }

        if (value == "false")
        {
            return false;
        }

        if (JsonNumber().IsMatch(value))
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.Clone();
        }

        return value;
    }

    // RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT ).
    [GeneratedRegex(@"\A-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();
}
