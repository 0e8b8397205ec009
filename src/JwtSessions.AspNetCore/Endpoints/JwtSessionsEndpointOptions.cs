namespace JwtSessions.AspNetCore.Endpoints;

/// <summary>
/// Options of the session endpoints (<c>MapJwtSessions</c>), of the sign-in helper (<c>SignInJwtSessionAsync</c>) and of the
/// transports they write tokens in; the bearer handler reads <see cref="Cookies"/> and the cross-site rules here too, for
/// requests that carry the access token in a cookie.
/// </summary>
/// <threadsafety>Configured at start-up, read-only afterwards.</threadsafety>
public sealed class JwtSessionsEndpointOptions
{
    /// <summary>
    /// Gets or sets the authentication scheme the session endpoints that act on the caller's own sessions (logout, logout
    /// everywhere, list, revoke) authenticate with.
    /// </summary>
    /// <value>The default value is <see cref="Authentication.JwtSessionsBearerDefaults.AuthenticationScheme"/>.</value>
    public string AuthenticationScheme { get; set; } = Authentication.JwtSessionsBearerDefaults.AuthenticationScheme;

    /// <summary>Gets or sets the transports the server accepts.</summary>
    /// <value>The default value is <see cref="SessionTransports.Header"/>.</value>
    public SessionTransports Transports { get; set; } = SessionTransports.Header;

    /// <summary>
    /// Gets or sets the transport a sign-in uses when neither the application nor the request (<see cref="TransportHeaderName"/>)
    /// chooses one; it must be one of <see cref="Transports"/>.
    /// </summary>
    /// <value>The default value is <see cref="SessionTransports.Header"/>.</value>
    public SessionTransports DefaultTransport { get; set; } = SessionTransports.Header;

    /// <summary>Gets or sets the request header with which a client asks for a transport at sign-in (<c>header</c> or <c>cookie</c>).</summary>
    /// <value>The default value is <c>X-Session-Transport</c>.</value>
    public string TransportHeaderName { get; set; } = "X-Session-Transport";

    /// <summary>Gets or sets the request header whose value is stored as the session's device name (at most 128 characters kept).</summary>
    /// <value>The default value is <c>X-Device-Name</c>.</value>
    public string DeviceNameHeaderName { get; set; } = "X-Device-Name";

    /// <summary>
    /// Gets or sets the request header carrying the client's device id (an app's installation id), stored at sign-in and
    /// compared at each refresh (<see cref="Sessions.SessionManagerOptions.ContextPolicy"/>); <see langword="null"/> reads none.
    /// At most 128 characters are kept.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DeviceIdHeaderName { get; set; }

    /// <summary>Gets the cookies of the cookie transport.</summary>
    public JwtSessionsCookieOptions Cookies { get; } = new();

    /// <summary>
    /// Gets further origins (<c>https://app.example.com</c>, scheme, host and port as a browser sends them in <c>Origin</c>)
    /// allowed to make cookie-mode state-changing requests, besides the server's own origin.
    /// </summary>
    /// <value>The default value is empty: same-origin only.</value>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Gets the rate limits of the refresh and sign-in endpoints.</summary>
    public JwtSessionsRateLimitOptions RateLimits { get; } = new();

    /// <summary>Gets or sets how long clients and proxies may cache <c>/.well-known/jwks.json</c> (<c>Cache-Control: public, max-age</c>).</summary>
    /// <value>The default value is five minutes.</value>
    /// <remarks>Keep it shorter than the time a new key is published before it signs (docs/sessions.md, key rotation).</remarks>
    public TimeSpan JwksMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the <c>Retry-After</c> of a 503 answer when the session store is unavailable.</summary>
    /// <value>The default value is five seconds.</value>
    public TimeSpan StoreRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets whether <c>MapJwtSessions</c> maps <c>/.well-known/jwks.json</c> (the public keys of the access tokens).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool MapJwks { get; set; } = true;

    /// <summary>Lists every problem of the configuration, each naming its setting.</summary>
    /// <returns>The problems; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if ((Transports & ~(SessionTransports.Header | SessionTransports.Cookie)) != 0 || Transports == SessionTransports.None)
        {
            problems.Add($"{nameof(Transports)}: choose Header, Cookie or both (was {Transports}).");
        }

        if (DefaultTransport is not (SessionTransports.Header or SessionTransports.Cookie) || (Transports & DefaultTransport) == 0)
        {
            problems.Add($"{nameof(DefaultTransport)}: must be exactly one of the configured {nameof(Transports)} ({Transports}), was {DefaultTransport}.");
        }

        if (string.IsNullOrWhiteSpace(AuthenticationScheme))
        {
            problems.Add($"{nameof(AuthenticationScheme)}: a scheme name is required.");
        }

        if (string.IsNullOrWhiteSpace(TransportHeaderName))
        {
            problems.Add($"{nameof(TransportHeaderName)}: a header name is required.");
        }

        if (string.IsNullOrWhiteSpace(DeviceNameHeaderName))
        {
            problems.Add($"{nameof(DeviceNameHeaderName)}: a header name is required.");
        }

        if (DeviceIdHeaderName is not null && string.IsNullOrWhiteSpace(DeviceIdHeaderName))
        {
            problems.Add($"{nameof(DeviceIdHeaderName)}: a header name, or null for none.");
        }

        Cookies.Validate(nameof(Cookies) + ":", problems);
        for (var i = 0; i < AllowedOrigins.Count; i++)
        {
            var origin = AllowedOrigins[i];
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps
                || uri.GetLeftPart(UriPartial.Authority) != origin)
            {
                problems.Add($"{nameof(AllowedOrigins)}[{i}]: '{origin}' is not an https origin (scheme://host[:port], no path or trailing slash).");
            }
        }

        RateLimits.Validate(nameof(RateLimits) + ":", problems);
        if (JwksMaxAge < TimeSpan.Zero || JwksMaxAge > TimeSpan.FromDays(1))
        {
            problems.Add($"{nameof(JwksMaxAge)}: must be between zero and one day (was {JwksMaxAge}).");
        }

        if (StoreRetryAfter < TimeSpan.FromSeconds(1) || StoreRetryAfter > TimeSpan.FromHours(1))
        {
            problems.Add($"{nameof(StoreRetryAfter)}: must be between one second and one hour (was {StoreRetryAfter}).");
        }

        return problems;
    }
}
