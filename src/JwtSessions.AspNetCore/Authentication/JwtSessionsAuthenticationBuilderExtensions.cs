using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Authorization;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the JwtSessions bearer authentication handler.</summary>
/// <threadsafety>Registration runs once at start-up.</threadsafety>
public static class JwtSessionsAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the JwtSessions bearer scheme (<see cref="JwtSessionsBearerDefaults.AuthenticationScheme"/>), which validates
    /// <c>Authorization: Bearer</c> access tokens with the <see cref="JwtSessions.Validation.TokenValidator"/> of
    /// <c>AddJwtSessions</c> (issuing server) or <c>AddJwtSessionsValidation</c> (validating server), and the scope
    /// authorization handler behind <c>RequireScope</c>. On a validating server with remote keys or revocations, the issuer's
    /// JWK set and revocations are loaded before the server starts listening.
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <example><code>builder.Services.AddAuthentication(JwtSessionsBearerDefaults.AuthenticationScheme).AddJwtSessionsBearer();</code></example>
    public static AuthenticationBuilder AddJwtSessionsBearer(this AuthenticationBuilder builder)
        => builder.AddJwtSessionsBearer(JwtSessionsBearerDefaults.AuthenticationScheme, configure: null);

    /// <summary>Adds the JwtSessions bearer scheme (<see cref="JwtSessionsBearerDefaults.AuthenticationScheme"/>), configured.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Configures the handler.</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddJwtSessionsBearer(this AuthenticationBuilder builder, Action<JwtSessionsBearerOptions> configure)
        => builder.AddJwtSessionsBearer(JwtSessionsBearerDefaults.AuthenticationScheme, configure);

    /// <summary>Adds the JwtSessions bearer scheme under <paramref name="authenticationScheme"/>.</summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="authenticationScheme">The scheme name.</param>
    /// <param name="configure">Configures the handler; optional.</param>
    /// <returns>The builder, for chaining.</returns>
    public static AuthenticationBuilder AddJwtSessionsBearer(this AuthenticationBuilder builder, string authenticationScheme, Action<JwtSessionsBearerOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(authenticationScheme);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, ScopeAuthorizationHandler>());

        // With AddJwtSessionsValidation's RemoteKeys or RemoteRevocations: keys and revocations loaded before the server listens.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, RemoteSourcesStartup>());
        return builder.AddScheme<JwtSessionsBearerOptions, JwtSessionsBearerHandler>(authenticationScheme, displayName: null, configure);
    }
}
