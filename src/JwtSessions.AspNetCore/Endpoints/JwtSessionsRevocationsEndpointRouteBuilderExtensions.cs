using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using JwtSessions.Revocation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the issuer's revocation endpoint, which resource servers poll (docs/resource-servers.md).</summary>
/// <threadsafety>Configuration-time helpers; thread-safe.</threadsafety>
public static class JwtSessionsRevocationsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {pattern}?cursor=…</c>: the sessions revoked since the cursor, from the <see cref="RevocationLog"/> that
    /// <c>AddJwtSessions</c> registers over the issuing server's store. It answers the page as JSON with an <c>ETag</c>,
    /// 304 when <c>If-None-Match</c> names the log's head, and 503 (ProblemDetails <c>store-unavailable</c>, with
    /// <c>Retry-After</c> from <see cref="JwtSessions.AspNetCore.Endpoints.JwtSessionsEndpointOptions.StoreRetryAfter"/>) while
    /// the store's revocation feed is down (the log may be missing revocations). Resource servers poll it with a <c>RevocationPoller</c>.
    /// </summary>
    /// <param name="endpoints">The route builder (the <c>WebApplication</c>).</param>
    /// <param name="pattern">The route, for example <c>/auth/revocations</c>.</param>
    /// <returns>The endpoint, for further conventions: it allows anonymous callers unless you add authorization (it lists session ids only).</returns>
    /// <exception cref="InvalidOperationException"><c>AddJwtSessions</c> was not called.</exception>
    public static RouteHandlerBuilder MapJwtSessionsRevocations(this IEndpointRouteBuilder endpoints, string pattern = "/auth/revocations")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);

        // Resolved now, at start-up, so the log follows the store from before the first request.
        var log = endpoints.ServiceProvider.GetService<RevocationLog>()
            ?? throw new InvalidOperationException("MapJwtSessionsRevocations needs the issuing server's revocation log: call builder.Services.AddJwtSessions(...).");
        var retryAfter = (endpoints.ServiceProvider.GetService<IOptions<JwtSessionsEndpointOptions>>()?.Value ?? new JwtSessionsEndpointOptions()).StoreRetryAfter;
        return endpoints.MapGet(pattern, (HttpContext context) => Answer(context, log, retryAfter)).WithName("JwtSessions.Revocations");
    }

    private static IResult Answer(HttpContext context, RevocationLog log, TimeSpan retryAfter)
    {
        if (!log.IsAvailable)
        {
            return Problems.StoreUnavailable(context, retryAfter, "The revocation feed is down, so the log may be missing revocations; retry later.");
        }

        var page = log.GetPage(context.Request.Query["cursor"], context.Request.Headers.IfNoneMatch);
        context.Response.Headers.ETag = page.EntityTag;
        context.Response.Headers.CacheControl = "no-cache";
        return page.NotModified
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(page.ToJson(), "application/json");
    }
}
