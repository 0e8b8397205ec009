using Microsoft.AspNetCore.Authorization;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Scope requirements on endpoints.</summary>
/// <threadsafety>Configuration-time helpers; thread-safe.</threadsafety>
public static class ScopeEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Requires an authenticated user whose access token carries every one of <paramref name="scopes"/>: a missing token answers
    /// 401, a missing scope 403 with <c>error="insufficient_scope"</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint (or group).</param>
    /// <param name="scopes">The required scopes.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <example><code>app.MapGet("/orders", ...).RequireScope("orders:read");</code></example>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params IEnumerable<string> scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var policy = new AuthorizationPolicyBuilder().RequireScope(scopes).Build();
        return builder.RequireAuthorization(policy);
    }
}
