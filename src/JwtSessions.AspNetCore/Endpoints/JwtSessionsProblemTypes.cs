namespace JwtSessions.AspNetCore.Endpoints;

/// <summary>
/// The stable <c>type</c> URIs of the ProblemDetails answers (RFC 9457) the endpoints and the sign-in helper write; each
/// points at its description in docs/aspnetcore.md. Clients branch on these, never on <c>title</c> or <c>detail</c>.
/// </summary>
/// <threadsafety>Constants only.</threadsafety>
public static class JwtSessionsProblemTypes
{
    private const string Base = "https://github.com/jwtsessions/jwtsessions/blob/main/docs/aspnetcore.md#";

    /// <summary>401: the refresh token is missing, malformed, or fails a check; sign in again.</summary>
    public const string InvalidRefreshToken = Base + "invalid-refresh-token";

    /// <summary>401: the session ended (expired, revoked, or unknown); sign in again.</summary>
    public const string SessionEnded = Base + "session-ended";

    /// <summary>401: a refresh token was used twice; the session was revoked (a stolen copy is suspected).</summary>
    public const string RefreshTokenReused = Base + "refresh-token-reused";

    /// <summary>403: a cookie-mode state-changing request lacked the anti-CSRF token or carried a wrong one.</summary>
    public const string CsrfTokenInvalid = Base + "csrf-token-invalid";

    /// <summary>403: a cookie-mode request came from another site or a foreign origin.</summary>
    public const string CrossSiteRequest = Base + "cross-site-request";

    /// <summary>
    /// 403: a cookie-mode sign-in or refresh over plain HTTP; the cookie transport answers only over HTTPS (or on loopback in
    /// the Development environment).
    /// </summary>
    public const string HttpsRequired = Base + "https-required";

    /// <summary>400: the request asks for a transport the server does not accept, or its body is not what the endpoint reads.</summary>
    public const string BadRequest = Base + "bad-request";

    /// <summary>404: no session of the caller has that id.</summary>
    public const string SessionNotFound = Base + "session-not-found";

    /// <summary>429: too many requests from this client; retry after <c>Retry-After</c> seconds.</summary>
    public const string RateLimited = Base + "rate-limited";

    /// <summary>429: the anomaly detector blocked this client (brute force, flood); retry after <c>Retry-After</c> seconds.</summary>
    public const string ClientBlocked = Base + "client-blocked";

    /// <summary>401: the refresh came from another device or browser family than the session's, and the policy asks to sign in again; the session was not changed.</summary>
    public const string StepUpRequired = Base + "step-up-required";

    /// <summary>503: the session store is unavailable; retry after <c>Retry-After</c> seconds (nothing was changed).</summary>
    public const string StoreUnavailable = Base + "store-unavailable";
}
