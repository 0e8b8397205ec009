using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Authorization;

/// <summary>Checks <see cref="ScopeRequirement"/> against the user's <c>scope</c> claims.</summary>
internal sealed class ScopeAuthorizationHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var user = context.User;
        var scopes = requirement.Scopes;
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!user.HasClaim(JwtSessionsClaimTypes.Scope, scopes[i]))
            {
                // Only an authenticated user lacks a scope; an anonymous one gets the challenge (401), not insufficient_scope.
                if (user.Identity?.IsAuthenticated == true && context.Resource is HttpContext http)
                {
                    http.Features.Set(new InsufficientScopeFeature(scopes));
                }

                context.Fail(new AuthorizationFailureReason(this, $"The access token lacks the scope '{scopes[i]}'."));
                return Task.CompletedTask;
            }
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
