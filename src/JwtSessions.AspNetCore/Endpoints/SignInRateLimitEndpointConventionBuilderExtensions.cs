using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The sign-in rate limit on an application's own sign-in endpoint.</summary>
/// <threadsafety>Configuration-time helpers; thread-safe.</threadsafety>
public static class SignInRateLimitEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Limits the endpoint to <see cref="JwtSessions.AspNetCore.Endpoints.JwtSessionsRateLimitOptions.SignInPermitLimit"/>
    /// requests per client IP address per window, checked before the endpoint runs (so before the password check: a
    /// guessing attack is slowed, not only the session creation); over the limit it answers 429 ProblemDetails with
    /// <c>Retry-After</c>. Needs <c>AddJwtSessionsEndpoints</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The sign-in endpoint.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder RequireSignInRateLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(SignInRateLimit.Filter);
    }
}
