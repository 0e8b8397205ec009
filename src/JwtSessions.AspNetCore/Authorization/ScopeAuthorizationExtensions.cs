using JwtSessions.AspNetCore.Authorization;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Scope policies for the JwtSessions bearer scheme.</summary>
/// <threadsafety>Configuration-time helpers; thread-safe.</threadsafety>
public static class ScopeAuthorizationExtensions
{
    /// <summary>Requires every one of <paramref name="scopes"/> in the user's access token (<see cref="ScopeRequirement"/>).</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="scopes">The required scopes.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <example><code>options.AddPolicy("orders.read", policy => policy.RequireScope("orders:read"));</code></example>
    public static AuthorizationPolicyBuilder RequireScope(this AuthorizationPolicyBuilder builder, params IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scopes));
    }
}
