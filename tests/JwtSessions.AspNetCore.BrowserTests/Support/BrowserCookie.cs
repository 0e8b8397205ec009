using System.Globalization;

namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>A cookie as the browser stored it (the DevTools protocol's <c>Network.Cookie</c>).</summary>
/// <param name="Name">The cookie's name, prefix included.</param>
/// <param name="Domain">The host it is bound to (host-only cookies carry no leading dot).</param>
/// <param name="Path">The path it is sent for.</param>
/// <param name="Expires">Expiry in seconds since 1970 on the browser's clock; null for a browser-session cookie.</param>
/// <param name="HttpOnly">Whether scripts are denied it.</param>
/// <param name="Secure">Whether it is sent only to secure origins.</param>
/// <param name="SameSite">Strict, Lax, None, or null when the server did not say.</param>
internal sealed record BrowserCookie(string Name, string Domain, string Path, double? Expires, bool HttpOnly, bool Secure, string? SameSite)
{
    public static BrowserCookie FromDevTools(Dictionary<string, object> cookie)
    {
        var session = cookie.TryGetValue("session", out var s) && s is true;
        return new BrowserCookie(
            (string)cookie["name"],
            (string)cookie["domain"],
            (string)cookie["path"],
            session ? null : Convert.ToDouble(cookie["expires"], CultureInfo.InvariantCulture),
            cookie["httpOnly"] is true,
            cookie["secure"] is true,
            cookie.TryGetValue("sameSite", out var sameSite) ? sameSite as string : null);
    }

    /// <summary>The cookie's name and flags, without its value (a refresh token is never written to a test log).</summary>
    public override string ToString()
        => $"{Name} domain={Domain} path={Path} expires={Expires?.ToString("0", CultureInfo.InvariantCulture) ?? "session"} "
            + $"httpOnly={HttpOnly} secure={Secure} sameSite={SameSite ?? "-"}";
}
