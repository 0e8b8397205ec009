using System.Diagnostics.Metrics;
using JwtSessions.Dpop;
using JwtSessions.Internal;
using JwtSessions.Remote;
using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers JwtSessions with Microsoft.Extensions.DependencyInjection.</summary>
/// <remarks>
/// Two registrations, one per kind of server: <see cref="AddJwtSessions"/> for the server that signs users in and issues
/// tokens (it needs signing keys), <see cref="AddJwtSessionsValidation"/> for servers that only validate access tokens (the
/// issuer's public keys are enough). Both take the clock, loggers and meter from the container and validate their options
/// when the host starts, with messages that name the setting.
/// </remarks>
/// <threadsafety>Registration runs once at start-up; the registered services are thread-safe singletons.</threadsafety>
public static class JwtSessionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="SessionManager"/> and its access-token <see cref="TokenValidator"/>, for the issuing
    /// server, and a <see cref="RevocationLog"/> of its store for the revocation endpoint resource servers poll. The store is the registered <see cref="ISessionStore"/> (for example from <c>AddRedisSessionStore</c>), else an
    /// <see cref="InMemorySessionStore"/>. The options are checked at start-up (<c>ValidateOnStart</c>) by
    /// <see cref="SessionManagerOptions.Validate"/>, the rules the manager's constructor applies, so a bad configuration fails
    /// with an <see cref="OptionsValidationException"/> naming every problem.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the session manager.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessions(this IServiceCollection services, Action<SessionManagerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SessionManagerOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionManagerOptions>, SessionManagerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISessionStore>(static sp => new InMemorySessionStore(
            new InMemorySessionStoreOptions { TimeProvider = sp.GetRequiredService<TimeProvider>() }));
        services.TryAddSingleton(static sp => new SessionManager(
            sp.GetRequiredService<IOptions<SessionManagerOptions>>().Value,
            sp.GetRequiredService<ISessionStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<SessionManager>>(),
            sp.GetService<IMeterFactory>(),
            RegisteredDpop(sp)));
        services.TryAddSingleton(static sp => sp.GetRequiredService<SessionManager>().AccessTokenValidator);

        // The issuer's side of the revocation endpoint (docs/resource-servers.md); made only when resolved.
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<SessionManagerOptions>>().Value;
            return new RevocationLog(
                sp.GetRequiredService<ISessionStore>(),
                options.Policy.AccessTokenLifetime + options.ClockSkew,
                sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }

    /// <summary>
    /// Registers a singleton access-token <see cref="TokenValidator"/> for a server that only validates (no signing key, no
    /// <see cref="SessionManager"/>). With <see cref="AccessTokenValidationOptions.RemoteKeys"/> its keys come from the issuer's
    /// published JWK set through a singleton <see cref="JwksKeySource"/>, which fetches with a named <see cref="HttpClient"/>
    /// from <c>IHttpClientFactory</c> that follows no redirect. Revocations come from the issuer's revocation endpoint with
    /// <see cref="AccessTokenValidationOptions.RemoteRevocations"/> (a singleton <see cref="RevocationPoller"/>), else from a
    /// registered <see cref="ISessionStore"/> (for example the issuing servers' Redis, with <c>AddRedisSessionStore</c>) through
    /// a <see cref="RevocationFeed"/>; either way the validator rejects revoked sessions' tokens (and tokens without <c>sid</c>).
    /// With neither, revocations cannot reach this server and tokens stay valid until their <c>exp</c>.
    /// </summary>
    /// <remarks>
    /// The source and the poller start fetching when first resolved; resolve them (or await
    /// <see cref="JwksKeySource.RefreshAsync"/>) at start-up so the first requests find the keys loaded.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures validation.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessionsValidation(this IServiceCollection services, Action<AccessTokenValidationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AccessTokenValidationOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccessTokenValidationOptions>, AccessTokenValidationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<AccessTokenValidationOptions>>().Value;
            var store = sp.GetService<ISessionStore>()
                ?? throw new InvalidOperationException("A RevocationFeed follows a session store: register one (for example AddRedisSessionStore).");
            return new RevocationFeed(
                store,
                options.AccessTokenLifetime + options.ClockSkew,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILogger<RevocationFeed>>(),
                JwtSessionsMetrics.Create(sp.GetService<IMeterFactory>()));
        });
        services.AddHttpClient(BoundedGet.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(BoundedGet.CreateHandler)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(static sp => new JwksKeySource(
            sp.GetRequiredService<IOptions<AccessTokenValidationOptions>>().Value.RemoteKeys
                ?? throw new InvalidOperationException("A JwksKeySource needs AccessTokenValidationOptions.RemoteKeys."),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(BoundedGet.HttpClientName),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<JwksKeySource>>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp => new RevocationPoller(
            sp.GetRequiredService<IOptions<AccessTokenValidationOptions>>().Value.RemoteRevocations
                ?? throw new InvalidOperationException("A RevocationPoller needs AccessTokenValidationOptions.RemoteRevocations."),
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(BoundedGet.HttpClientName),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<RevocationPoller>>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<AccessTokenValidationOptions>>().Value;
            var revocations = options.RemoteRevocations is not null ? sp.GetRequiredService<RevocationPoller>().Revocations
                : sp.GetService<ISessionStore>() is not null ? sp.GetRequiredService<RevocationFeed>().Revocations
                : null;
            var keySource = options.RemoteKeys is null ? null : sp.GetRequiredService<JwksKeySource>();
            return new TokenValidator(
                options.ToValidatorOptions(sp.GetRequiredService<TimeProvider>(), revocations, keySource),
                sp.GetService<IMeterFactory>());
        });
        return services;
    }

    /// <summary>
    /// Registers a singleton <see cref="DpopProofValidator"/> (RFC 9449, docs/dpop.md) and, unless one is registered, an
    /// <see cref="InMemoryDpopReplayCache"/> as its <see cref="IDpopReplayCache"/>: enough for one server. Servers that share
    /// clients share a replay cache: <c>AddRedisDpopReplayCache</c> (JwtSessions.Redis) replaces the in-memory one with the
    /// session store's Redis, in either order; any other <see cref="IDpopReplayCache"/> registered after this call replaces it too.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The registered validator is the application's only one: the <see cref="SessionManager"/> of <see cref="AddJwtSessions"/>
    /// binds sessions with it (leave <see cref="SessionManagerOptions.DpopProofValidator"/> unset; start-up validation refuses
    /// both), and the ASP.NET Core authentication handler checks <c>Authorization: DPoP</c> requests with it.
    /// </para>
    /// <para>
    /// The options are checked at start-up (<c>ValidateOnStart</c>) by <see cref="DpopProofValidatorOptions.Validate"/>, so a bad
    /// configuration fails with an <see cref="OptionsValidationException"/> naming every problem. The clock is the container's
    /// <see cref="TimeProvider"/>.
    /// </para>
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the proof validator; the defaults when null.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessionsDpop(this IServiceCollection services, Action<DpopProofValidatorOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<DpopProofValidatorOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DpopProofValidatorOptions>, DpopProofValidatorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDpopReplayCache>(static sp => new InMemoryDpopReplayCache(timeProvider: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp => new DpopProofValidator(
            sp.GetRequiredService<IOptions<DpopProofValidatorOptions>>().Value,
            sp.GetRequiredService<IDpopReplayCache>(),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>The proof validator registered in the container (by <see cref="AddJwtSessionsDpop"/> or by hand), if any.</summary>
    private static DpopProofValidator? RegisteredDpop(IServiceProvider services)
        => services.GetService<IServiceProviderIsService>()?.IsService(typeof(DpopProofValidator)) == true
            ? services.GetRequiredService<DpopProofValidator>()
            : null;

    private sealed class SessionManagerOptionsValidator(IServiceProvider services) : IValidateOptions<SessionManagerOptions>
    {
        public ValidateOptionsResult Validate(string? name, SessionManagerOptions options)
            => Result(options.ValidateInContainer(services.GetService<IServiceProviderIsService>()?.IsService(typeof(DpopProofValidator)) == true));
    }

    private sealed class DpopProofValidatorOptionsValidator : IValidateOptions<DpopProofValidatorOptions>
    {
        public ValidateOptionsResult Validate(string? name, DpopProofValidatorOptions options) => Result(options.Validate());
    }

    private sealed class AccessTokenValidationOptionsValidator : IValidateOptions<AccessTokenValidationOptions>
    {
        public ValidateOptionsResult Validate(string? name, AccessTokenValidationOptions options) => Result(options.Validate());
    }

    private static ValidateOptionsResult Result(IReadOnlyList<string> problems)
        => problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(static p => "JwtSessions: " + p));
}
