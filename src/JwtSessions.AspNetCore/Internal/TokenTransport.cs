using System.Buffers.Text;
using System.Security.Cryptography;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>Writes a session's tokens in a transport, and clears the cookie transport's cookies.</summary>
internal static class TokenTransport
{
    /// <summary>
    /// Writes <paramref name="tokens"/>: header mode puts both tokens in the body; cookie mode sets the refresh cookie (and
    /// the access cookie when configured) and the anti-CSRF cookie, and keeps the refresh token out of the body. A sign-in
    /// (<c>signIn</c>) always draws a new anti-CSRF token, never keeping one the browser brought; a refresh keeps the one the
    /// request just proved it knows.
    /// </summary>
    public static IResult Write(
        HttpContext context, SessionTokens tokens, SessionTransports transport, JwtSessionsEndpointOptions options, SessionPolicy policy, DateTimeOffset now, bool signIn)
    {
        var response = context.Response;

        // RFC 6749 §5.1: token answers are never cached.
        response.Headers[HeaderNames.CacheControl] = "no-store";
        response.Headers[HeaderNames.Pragma] = "no-cache";
        var expiresIn = (long)Math.Max(0, (tokens.AccessTokenExpiresAt - now).TotalSeconds);
        if (transport == SessionTransports.Header)
        {
            return TypedResults.Json(
                new TokenResponse
                {
                    TokenType = TokenType(tokens),
                    AccessToken = tokens.AccessToken,
                    ExpiresIn = expiresIn,
                    AccessTokenExpiresAt = tokens.AccessTokenExpiresAt,
                    RefreshToken = tokens.RefreshToken,
                    RefreshTokenExpiresAt = tokens.RefreshTokenExpiresAt,
                    SessionId = tokens.SessionId,
                },
                EndpointJsonContext.Default.TokenResponse);
        }

        var cookies = options.Cookies;

        // Max-Age from the refresh token's deadline (never after the session's idle or absolute deadline); a short-lived
        // policy (PersistentRefreshToken false) gets browser-session cookies that end with the browser.
        TimeSpan? refreshMaxAge = policy.PersistentRefreshToken ? Positive(tokens.RefreshTokenExpiresAt - now) : null;
        response.Cookies.Append(cookies.RefreshTokenName, tokens.RefreshToken, Cookie(httpOnly: true, refreshMaxAge));

        // The anti-CSRF token stays the same across refreshes, so requests the page sends while a refresh is in flight keep
        // a matching pair (a cookie refresh has just echoed it in the header). A sign-in always draws a new one: a value
        // the browser already held (planted, or left from an earlier session) must not outlive the sign-in.
        var csrf = signIn ? null : context.Request.Cookies[cookies.CsrfTokenName];
        if (string.IsNullOrEmpty(csrf) || csrf.Length != s_csrfTokenLength)
        {
            csrf = NewCsrfToken();
        }

        response.Cookies.Append(cookies.CsrfTokenName, csrf, Cookie(httpOnly: false, refreshMaxAge));
        string? accessInBody = tokens.AccessToken;
        if (cookies.AccessTokenInCookie)
        {
            response.Cookies.Append(cookies.AccessTokenName, tokens.AccessToken, Cookie(httpOnly: true, Positive(tokens.AccessTokenExpiresAt - now)));
            accessInBody = null;
        }

        return TypedResults.Json(
            new TokenResponse
            {
                TokenType = TokenType(tokens),
                AccessToken = accessInBody,
                ExpiresIn = expiresIn,
                AccessTokenExpiresAt = tokens.AccessTokenExpiresAt,
                RefreshTokenExpiresAt = tokens.RefreshTokenExpiresAt,
                SessionId = tokens.SessionId,
                CsrfToken = csrf,
            },
            EndpointJsonContext.Default.TokenResponse);
    }

    /// <summary>RFC 9449 §5: a token response names a DPoP-bound access token's type <c>DPoP</c>, so the client sends it with that scheme.</summary>
    private static string TokenType(SessionTokens tokens) => tokens.IsDpopBound ? "DPoP" : "Bearer";

    /// <summary>Expires every cookie of the cookie transport (a deletion must repeat <c>Secure</c> and <c>Path=/</c> for a <c>__Host-</c> cookie).</summary>
    public static void ClearCookies(HttpContext context, JwtSessionsEndpointOptions options)
    {
        if ((options.Transports & SessionTransports.Cookie) == 0)
        {
            return;
        }

        var cookies = options.Cookies;
        var request = context.Request.Cookies;
        var response = context.Response.Cookies;
        foreach (var name in (ReadOnlySpan<string>)[cookies.RefreshTokenName, cookies.AccessTokenName, cookies.CsrfTokenName])
        {
            if (request.ContainsKey(name))
            {
                response.Delete(name, Cookie(httpOnly: true, maxAge: null));
            }
        }
    }

    private const int CsrfTokenBytes = 32;
    private static readonly int s_csrfTokenLength = Base64Url.GetEncodedLength(CsrfTokenBytes);

    private static string NewCsrfToken()
    {
        Span<byte> bytes = stackalloc byte[CsrfTokenBytes];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    private static TimeSpan Positive(TimeSpan value) => value > TimeSpan.Zero ? value : TimeSpan.Zero;

    // __Host- (RFC 6265bis §4.1.3.2): Secure, Path=/, no Domain. SameSite=Strict: never sent on a cross-site request, not
    // even a top-level navigation.
    private static CookieOptions Cookie(bool httpOnly, TimeSpan? maxAge) => new()
    {
        HttpOnly = httpOnly,
        Secure = true,
        SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
