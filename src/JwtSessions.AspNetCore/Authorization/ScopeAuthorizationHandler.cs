using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Authorization;

/// <summary>Checks <see cref="ScopeRequirement"/> against the user's <c>scope</c> claims.</summary>
/// <remarks>
/// ASP.NET Core calls every registered handler for every policy evaluated, scopes or not. The generic
/// <see cref="AuthorizationHandler{TRequirement}"/> looks for its requirement through <c>OfType</c>, allocating an iterator per
/// request; this one indexes the policy's requirement list, so a policy without a scope requirement costs a scan of it and
/// no allocation.
/// </remarks>
internal sealed class ScopeAuthorizationHandler : IAuthorizationHandler
{
    /// <inheritdoc />
    public Task HandleAsync(AuthorizationHandlerContext context)
    {
        if (context.Requirements is IReadOnlyList<IAuthorizationRequirement> requirements)
        {
            for (var i = 0; i < requirements.Count; i++)
            {
                if (requirements[i] is ScopeRequirement requirement)
                {
                    Handle(context, requirement);
                }
            }
        }
        else
        {
            foreach (var candidate in context.Requirements)
            {
                if (candidate is ScopeRequirement requirement)
                {
                    Handle(context, requirement);
                }
            }
        }

        return Task.CompletedTask;
    }

    private void Handle(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var user = context.User;
        var scopes = requirement.Scopes;
        for (var i = 0; i < scopes.Count; i++)
        {
            if (!user.HasClaim(JwtSessionsClaimTypes.Scope, scopes[i]))
            {
                // Only an authenticated user lacks a scope; an anonymous one gets the challenge (401), not insufficient_scope.
                // Two scope requirements in one policy (a group's and an endpoint's) that both fail name every scope they
                // need, as RFC 6750 §3 asks of the scope attribute.
                if (user.Identity?.IsAuthenticated == true && context.Resource is HttpContext http)
                {
                    var earlier = http.Features.Get<InsufficientScopeFeature>()?.RequiredScopes;
                    http.Features.Set(new InsufficientScopeFeature(earlier is null ? scopes : [.. earlier.Union(scopes, StringComparer.Ordinal)]));
                }

                context.Fail(new AuthorizationFailureReason(this, $"The access token lacks the scope '{scopes[i]}'."));
                return;
            }
        }

        context.Succeed(requirement);
    }
}
