using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// The cheapest authentication ASP.NET Core allows: a stateless handler, one instance for every request, that reads nothing
/// and answers every request with the same principal, built once. It is what any handler costs at the least, so the
/// <see cref="RequestCase.AuthenticatedFloor"/> app measures ASP.NET Core's authentication and authorization for an
/// authenticated request without any token work. Never a real handler: it authenticates everyone.
/// </summary>
internal sealed class StaticTicketHandler : IAuthenticationHandler
{
    public const string Scheme = "StaticTicket";

    private static readonly Task<AuthenticateResult> s_result = Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(
        new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "user-1")], Scheme, "sub", "role")), Scheme)));

    public Task InitializeAsync(AuthenticationScheme scheme, HttpContext context) => Task.CompletedTask;

    public Task<AuthenticateResult> AuthenticateAsync() => s_result;

    public Task ChallengeAsync(AuthenticationProperties? properties) => throw new InvalidOperationException("Every request is authenticated.");

    public Task ForbidAsync(AuthenticationProperties? properties) => throw new InvalidOperationException("Every request is authorized.");
}
