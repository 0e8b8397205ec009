namespace JwtSessions.AspNetCore.Endpoints;

/// <summary>The cookies of the cookie transport (docs/aspnetcore.md, "Cookie flags").</summary>
/// <remarks>
/// Every cookie is <c>Secure</c>, <c>SameSite=Strict</c>, <c>Path=/</c>, without <c>Domain</c>, and its name starts with
/// <c>__Host-</c>, so the browser refuses it from plain HTTP and from any other host (a sibling subdomain cannot plant or
/// shadow it: RFC 6265bis §4.1.3.2). <c>__Host-</c> requires <c>Path=/</c>; the refresh cookie is therefore sent with every
/// request to this host rather than only to the refresh endpoint, which is harmless (it is HttpOnly, no other endpoint reads
/// it, and the server never logs cookies) and is the price of the stronger prefix.
/// </remarks>
/// <threadsafety>Configured at start-up, read-only afterwards.</threadsafety>
public sealed class JwtSessionsCookieOptions
{
    /// <summary>Gets or sets the name of the HttpOnly refresh-token cookie.</summary>
    /// <value>The default value is <c>__Host-jws-refresh</c>.</value>
    public string RefreshTokenName { get; set; } = "__Host-jws-refresh";

    /// <summary>Gets or sets the name of the HttpOnly access-token cookie, written only when <see cref="AccessTokenInCookie"/> is set.</summary>
    /// <value>The default value is <c>__Host-jws-access</c>.</value>
    public string AccessTokenName { get; set; } = "__Host-jws-access";

    /// <summary>
    /// Gets or sets the name of the anti-CSRF cookie (readable by the page's script: it holds no credential, only the value the
    /// page echoes in <see cref="CsrfHeaderName"/>).
    /// </summary>
    /// <value>The default value is <c>__Host-jws-csrf</c>.</value>
    public string CsrfTokenName { get; set; } = "__Host-jws-csrf";

    /// <summary>Gets or sets the request header that carries the anti-CSRF token on every state-changing cookie-mode request.</summary>
    /// <value>The default value is <c>X-CSRF-Token</c>.</value>
    public string CsrfHeaderName { get; set; } = "X-CSRF-Token";

    /// <summary>
    /// Gets or sets whether cookie mode also puts the access token in an HttpOnly cookie (read by the bearer handler when a
    /// request has no <c>Authorization</c> header), rather than only in the JSON body for the page to keep in memory.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: the page keeps the access token in memory.</value>
    public bool AccessTokenInCookie { get; set; }

    /// <summary>Lists every problem, each naming its setting under <paramref name="prefix"/>.</summary>
    internal void Validate(string prefix, List<string> problems)
    {
        CheckName(RefreshTokenName, prefix + nameof(RefreshTokenName), problems);
        CheckName(AccessTokenName, prefix + nameof(AccessTokenName), problems);
        CheckName(CsrfTokenName, prefix + nameof(CsrfTokenName), problems);
        if (string.IsNullOrWhiteSpace(CsrfHeaderName))
        {
            problems.Add($"{prefix}{nameof(CsrfHeaderName)}: a header name is required.");
        }

        if (RefreshTokenName == AccessTokenName || RefreshTokenName == CsrfTokenName || AccessTokenName == CsrfTokenName)
        {
            problems.Add($"{prefix}{nameof(RefreshTokenName)}, {nameof(AccessTokenName)}, {nameof(CsrfTokenName)}: the three cookies need distinct names.");
        }
    }

    private static void CheckName(string? name, string setting, List<string> problems)
    {
        if (name is null || !name.StartsWith("__Host-", StringComparison.Ordinal) || name.Length == "__Host-".Length)
        {
            problems.Add($"{setting}: '{name}' must start with '__Host-' (so only this host, over HTTPS, can set it).");
            return;
        }

        foreach (var c in name)
        {
            if (c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(c, StringComparison.Ordinal))
            {
                problems.Add($"{setting}: '{name}' is not a cookie name (RFC 6265 token).");
                return;
            }
        }
    }
}
