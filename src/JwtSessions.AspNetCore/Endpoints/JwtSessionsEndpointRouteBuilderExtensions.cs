using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using JwtSessions.Sessions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the session endpoints.</summary>
/// <threadsafety>Configuration-time helpers; thread-safe.</threadsafety>
public static class JwtSessionsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the session endpoints under <paramref name="prefix"/> (docs/aspnetcore.md, "Endpoints"):
    /// <list type="bullet">
    /// <item><c>POST {prefix}/refresh</c>: rotates the refresh token (body or cookie) and answers a new pair; rate limited.</item>
    /// <item><c>POST {prefix}/logout</c>: ends the caller's session (authenticated).</item>
    /// <item><c>POST {prefix}/logout-all</c>: ends every session of the caller (authenticated).</item>
    /// <item><c>GET {prefix}/sessions</c>: lists the caller's sessions with their metadata (authenticated).</item>
    /// <item><c>DELETE {prefix}/sessions/{id}</c>: ends one of the caller's sessions (authenticated).</item>
    /// <item><c>GET /.well-known/jwks.json</c>: the access tokens' public keys (at the root, RFC 8615), unless <see cref="JwtSessionsEndpointOptions.MapJwks"/> is off.</item>
    /// </list>
    /// Needs <c>AddJwtSessions</c> (the issuing server's <see cref="SessionManager"/>), <c>AddJwtSessionsEndpoints</c> and the
    /// bearer scheme (<c>AddJwtSessionsBearer</c>) with <c>UseAuthentication</c>/<c>UseAuthorization</c>.
    /// </summary>
    /// <param name="endpoints">The route builder (the <c>WebApplication</c>).</param>
    /// <param name="prefix">The route prefix, for example <c>/auth</c>.</param>
    /// <returns>The group of the session endpoints (not the JWKS endpoint), for further conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>AddJwtSessions</c> or <c>AddJwtSessionsEndpoints</c> was not called.</exception>
    public static RouteGroupBuilder MapJwtSessions(this IEndpointRouteBuilder endpoints, string prefix = "/auth")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var services = endpoints.ServiceProvider;
        var known = services.GetRequiredService<IServiceProviderIsService>();
        if (!known.IsService(typeof(SessionManager)))
        {
            throw new InvalidOperationException("MapJwtSessions needs the issuing server's SessionManager: call builder.Services.AddJwtSessions(...).");
        }

        if (!known.IsService(typeof(SessionRateLimiters)))
        {
            throw new InvalidOperationException("MapJwtSessions needs its services: call builder.Services.AddJwtSessionsEndpoints(...).");
        }

        var options = services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value;
        var caller = new AuthorizationPolicyBuilder(options.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(JwtSessionsClaimTypes.Subject)
            .Build();
        var session = new AuthorizationPolicyBuilder(options.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(JwtSessionsClaimTypes.Subject)
            .RequireClaim(JwtSessionsClaimTypes.SessionId)
            .Build();

        var group = endpoints.MapGroup(prefix);
        group.AddEndpointFilter(SessionEndpoints.StoreOutageFilter);
        group.MapPost("/refresh", static Task<IResult> (HttpContext context) => SessionEndpoints.RefreshAsync(context))
            .AllowAnonymous()
            .WithName("JwtSessions.Refresh");
        group.MapPost("/logout", static Task<IResult> (HttpContext context) => SessionEndpoints.LogoutAsync(context))
            .RequireAuthorization(session)
            .WithName("JwtSessions.Logout");
        group.MapPost("/logout-all", static Task<IResult> (HttpContext context) => SessionEndpoints.LogoutEverywhereAsync(context))
            .RequireAuthorization(caller)
            .WithName("JwtSessions.LogoutEverywhere");
        group.MapGet("/sessions", static Task<IResult> (HttpContext context) => SessionEndpoints.ListAsync(context))
            .RequireAuthorization(caller)
            .WithName("JwtSessions.ListSessions");
        group.MapDelete("/sessions/{id}", static Task<IResult> (HttpContext context, string id) => SessionEndpoints.RevokeAsync(context, id))
            .RequireAuthorization(caller)
            .WithName("JwtSessions.RevokeSession");

        if (options.MapJwks)
        {
            endpoints.MapGet("/.well-known/jwks.json", static (HttpContext context) => SessionEndpoints.Jwks(context))
                .AllowAnonymous()
                .WithName("JwtSessions.Jwks");
        }

        return group;
    }
}
