using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services of the session endpoints and of the sign-in helper.</summary>
/// <threadsafety>Registration runs once at start-up.</threadsafety>
public static class JwtSessionsEndpointServiceCollectionExtensions
{
    /// <summary>
    /// Registers the options of the session endpoints and transports (checked at start-up by
    /// <see cref="JwtSessionsEndpointOptions.Validate"/>, messages naming each setting), and the per-client rate limiters.
    /// Each session's last activity lives in its store's metadata (<see cref="JwtSessions.Sessions.SessionMetadata.LastSeenAt"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the endpoints; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessionsEndpoints(this IServiceCollection services, Action<JwtSessionsEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<JwtSessionsEndpointOptions>().ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtSessionsEndpointOptions>, EndpointOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SessionRateLimiters>();
        services.TryAddSingleton<JwksDocument>();
        return services;
    }

    private sealed class EndpointOptionsValidator : IValidateOptions<JwtSessionsEndpointOptions>
    {
        public ValidateOptionsResult Validate(string? name, JwtSessionsEndpointOptions options)
        {
            var problems = options.Validate();
            if (problems.Count == 0)
            {
                return ValidateOptionsResult.Success;
            }

            var messages = new string[problems.Count];
            for (var i = 0; i < messages.Length; i++)
            {
                messages[i] = "JwtSessions endpoints: " + problems[i];
            }

            return ValidateOptionsResult.Fail(messages);
        }
    }
}
