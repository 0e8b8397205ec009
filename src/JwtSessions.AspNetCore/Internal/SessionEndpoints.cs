using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The request handlers of <c>MapJwtSessions</c> (docs/aspnetcore.md, "Endpoints").</summary>
internal static class SessionEndpoints
{
    // A refresh body is one short JSON member; anything larger is refused before it is read.
    private const long MaxRefreshBody = 16 * 1024;

    public static async Task<IResult> RefreshAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value;
        if (services.GetRequiredService<SessionRateLimiters>().AcquireRefresh(context) is { } wait)
        {
            return Problems.RateLimited(context, wait);
        }

        var request = context.Request;

        // Only a JSON body carries the token itself (header mode), and a browser sends JSON to another site only after a
        // CORS preflight the server allowed. Anything else may lean on the refresh cookie: with the cookie transport on, a
        // cross-site request of that kind is refused first, whatever its body, as every cookie-mode endpoint refuses it.
        var json = request.HasJsonContentType();
        if (!json && (options.Transports & SessionTransports.Cookie) != 0 && !CrossSiteGuard.IsSameOriginOrAllowed(request, options))
        {
            return Problems.CrossSiteRequest();
        }

        string? token = null;
        var transport = SessionTransports.Header;
        if ((options.Transports & SessionTransports.Header) != 0
            && (request.ContentLength > 0 || request.Headers.ContainsKey(HeaderNames.TransferEncoding)))
        {
            if (!json || request.ContentLength > MaxRefreshBody)
            {
                return Problems.BadRequest("The body must be application/json, at most 16 KiB: {\"refresh_token\": \"...\"}.");
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxRefreshBody;
            }

            try
            {
                var body = await request.ReadFromJsonAsync(EndpointJsonContext.Default.RefreshRequest, context.RequestAborted).ConfigureAwait(false);
                token = body?.RefreshToken;
            }
            catch (Exception e) when (e is JsonException or BadHttpRequestException)
            {
                return Problems.BadRequest("The body must be application/json, at most 16 KiB: {\"refresh_token\": \"...\"}.");
            }
        }

        if (string.IsNullOrEmpty(token))
        {
            if ((options.Transports & SessionTransports.Cookie) == 0 || request.Cookies[options.Cookies.RefreshTokenName] is not { Length: > 0 } cookie)
            {
                return Problems.InvalidRefreshToken("The request carries no refresh token.");
            }

            // The cookie transport answers only over HTTPS (its cookies are Secure). The browser attached the cookie by
            // itself: refuse other sites, then require the anti-CSRF token, before any store call.
            if (!CookieTransportSecurity.IsSecure(context))
            {
                return Problems.HttpsRequired();
            }

            if (!CrossSiteGuard.IsSameOriginOrAllowed(request, options))
            {
                return Problems.CrossSiteRequest();
            }

            if (!CrossSiteGuard.HasCsrfToken(request, options.Cookies))
            {
                return Problems.CsrfTokenInvalid();
            }

            token = cookie;
            transport = SessionTransports.Cookie;
        }

        var manager = services.GetRequiredService<SessionManager>();
        var result = await manager.RefreshAsync(token, RequestMetadata.ForRequest(context, options), context.RequestAborted).ConfigureAwait(false);
        if (result.Succeeded)
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            return TokenTransport.Write(context, result.Tokens, transport, options, manager.Policy, now, signIn: false);
        }

        AnomalyFeed.RecordRefresh(context, options, result);
        if (result.Status == RefreshStatus.StepUpRequired)
        {
            // The session is intact and belongs to the device it was started on: leave this client's cookies as they are.
            return Problems.StepUpRequired();
        }

        if (result.TokenError == TokenValidationError.DpopNonceRequired)
        {
            // RFC 9449 §8: the session is intact; the client repeats the refresh with the fresh nonce in its proof.
            return DpopRequest.NonceRequired(context, DpopRequest.ValidatorOf(services)?.CreateNonce());
        }

        TokenTransport.ClearCookies(context, options);
        return result.Status switch
        {
            RefreshStatus.ReuseDetected => Problems.RefreshTokenReused(),
            RefreshStatus.SessionExpired or RefreshStatus.SessionRevoked or RefreshStatus.UnknownSession or RefreshStatus.ContextRevoked => Problems.SessionEnded(),
            _ => Problems.InvalidRefreshToken(),
        };
    }

    public static async Task<IResult> LogoutAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var sessionId = context.User.FindFirst(JwtSessionsClaimTypes.SessionId)?.Value;
        if (sessionId is not null)
        {
            await services.GetRequiredService<SessionManager>().RevokeAsync(sessionId, context.RequestAborted).ConfigureAwait(false);
        }

        TokenTransport.ClearCookies(context, services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> LogoutEverywhereAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var subject = Subject(context.User);
        var revoked = await services.GetRequiredService<SessionManager>().RevokeAllAsync(subject, context.RequestAborted).ConfigureAwait(false);
        TokenTransport.ClearCookies(context, services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value);
        return TypedResults.Json(new LogoutAllResponse { Revoked = revoked }, EndpointJsonContext.Default.LogoutAllResponse);
    }

    public static async Task<IResult> ListAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var current = context.User.FindFirst(JwtSessionsClaimTypes.SessionId)?.Value;
        var sessions = await services.GetRequiredService<SessionManager>().ListSessionsAsync(Subject(context.User), context.RequestAborted).ConfigureAwait(false);
        var list = new SessionInfo[sessions.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var session = sessions[i];
            var metadata = session.Metadata;
            list[i] = new SessionInfo
            {
                Id = session.SessionId,
                Current = session.SessionId == current,
                DeviceName = metadata.DeviceName,
                UserAgent = metadata.UserAgent,
                IpAddress = metadata.LastSeenIpAddress ?? metadata.IpAddress,
                ClientId = session.ClientId,
                CreatedAt = session.CreatedAt,
                LastSeenAt = metadata.LastSeenAt ?? session.RotatedAt,
                ExpiresAt = session.ExpiresAt,
            };
        }

        context.Response.Headers[HeaderNames.CacheControl] = "no-store";
        return TypedResults.Json(list, EndpointJsonContext.Default.SessionInfoArray);
    }

    public static async Task<IResult> RevokeAsync(HttpContext context, string id)
    {
        var services = context.RequestServices;
        var manager = services.GetRequiredService<SessionManager>();

        // Another user's session answers exactly as an unknown one: the endpoint is no oracle for session ids.
        var session = await manager.Store.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (session is null || !string.Equals(session.Subject, Subject(context.User), StringComparison.Ordinal))
        {
            return Problems.SessionNotFound();
        }

        await manager.RevokeAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (id == context.User.FindFirst(JwtSessionsClaimTypes.SessionId)?.Value)
        {
            TokenTransport.ClearCookies(context, services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value);
        }

        return TypedResults.NoContent();
    }

    public static IResult Jwks(HttpContext context)
    {
        var services = context.RequestServices;
        var document = services.GetRequiredService<JwksDocument>();
        var options = services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value;
        var headers = context.Response.Headers;
        headers[HeaderNames.CacheControl] = "public, max-age=" + ((long)options.JwksMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        headers[HeaderNames.ETag] = document.ETag;
        if (Matches(context.Request.Headers.IfNoneMatch, document.ETag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        // RFC 7517 §8.5.1.
        return TypedResults.Bytes(document.Body, "application/jwk-set+json");
    }

    /// <summary>Turns a store outage into 503 with <c>Retry-After</c> (nothing was changed; the client retries).</summary>
    public static async ValueTask<object?> StoreOutageFilter(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        try
        {
            return await next(invocation).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException)
        {
            var context = invocation.HttpContext;
            var options = context.RequestServices.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value;
            return Problems.StoreUnavailable(context, options.StoreRetryAfter);
        }
    }

    private static string Subject(ClaimsPrincipal user)
        => user.FindFirst(JwtSessionsClaimTypes.Subject)?.Value ?? throw new InvalidOperationException("The authenticated user has no 'sub' claim.");

    // RFC 9110 §13.1.2: If-None-Match uses the weak comparison; "*" matches any current representation.
    private static bool Matches(StringValues ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Count == 0)
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        foreach (var tag in tags)
        {
            if (tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }

}
