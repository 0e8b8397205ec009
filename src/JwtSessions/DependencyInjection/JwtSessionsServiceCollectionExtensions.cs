using JwtSessions.Sessions;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers JwtSessions with Microsoft.Extensions.DependencyInjection.</summary>
/// <threadsafety>Registration runs once at start-up; the registered services are thread-safe singletons.</threadsafety>
public static class JwtSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="SessionManager"/> and its access-token <see cref="TokenValidator"/>. The store is the
    /// registered <see cref="ISessionStore"/> (for example from <c>AddRedisSessionStore</c>), else an <see cref="InMemorySessionStore"/>.
    /// Options are validated when the host starts (<c>ValidateOnStart</c>) against every rule the manager's constructor
    /// enforces, so a bad configuration fails at start-up with an <see cref="OptionsValidationException"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the session manager.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessions(this IServiceCollection services, Action<SessionManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SessionManagerOptions>()
            .Configure(configure)
            .Validate(static o => !string.IsNullOrEmpty(o.Issuer), "JwtSessions: an issuer is required.")
            .Validate(static o => !string.IsNullOrEmpty(o.Audience), "JwtSessions: an access-token audience is required.")
            .Validate(static o => o.AccessTokenKeys is not null, "JwtSessions: access-token keys are required.")
            .Validate(static o => IsValidPolicy(o.Policy), "JwtSessions: the session policy is not valid (see SessionPolicy.Validate).")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionManagerOptions>, SessionManagerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISessionStore>(static sp => new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = ClockOf(sp) }));
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<SessionManagerOptions>>().Value;
            options.TimeProvider = ClockOf(sp);

            options.Logger ??= sp.GetService<ILoggerFactory>()?.CreateLogger<SessionManager>();
            return new SessionManager(options, sp.GetRequiredService<ISessionStore>());
        });
        services.TryAddSingleton(static sp => sp.GetRequiredService<SessionManager>().AccessTokenValidator);
        return services;
    }

    /// <summary>
    /// Every other rule the <see cref="SessionManager"/> and the issuers and validator it builds enforce (refresh audience,
    /// clock skew, a ring that can sign, cache bounds, ...), checked at start-up by building a manager on a throw-away store:
    /// what passes here is exactly what the constructor accepts, with no second copy of the rules to drift.
    /// </summary>
    private sealed class SessionManagerOptionsValidator : IValidateOptions<SessionManagerOptions>
    {
        public ValidateOptionsResult Validate(string? name, SessionManagerOptions options)
        {
            // The basic checks above report these with their own messages.
            if (string.IsNullOrEmpty(options.Issuer) || string.IsNullOrEmpty(options.Audience) || options.AccessTokenKeys is null
                || !IsValidPolicy(options.Policy))
            {
                return ValidateOptionsResult.Skip;
            }

            try
            {
                using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = options.TimeProvider ?? TimeProvider.System });
                using var probe = new SessionManager(options, store);
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail($"JwtSessions: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// The manager's clock, which the default store shares (its sweep judges deadlines the manager set): the one in the
    /// options when set, else the container's <see cref="TimeProvider"/>.
    /// </summary>
    private static TimeProvider ClockOf(IServiceProvider services)
    {
        var configured = services.GetRequiredService<IOptions<SessionManagerOptions>>().Value.TimeProvider;
        return configured is null || ReferenceEquals(configured, TimeProvider.System) ? services.GetRequiredService<TimeProvider>() : configured;
    }

    private static bool IsValidPolicy(SessionPolicy? policy)
    {
        if (policy is null)
        {
            return false;
        }

        try
        {
            policy.Validate();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
