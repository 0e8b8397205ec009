using System.Diagnostics.CodeAnalysis;
using JwtSessions.Dpop;
using JwtSessions.Redis;
using JwtSessions.Redis.Internal;
using JwtSessions.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers a <see cref="RedisSessionStore"/> as the application's <see cref="ISessionStore"/>, replacing any store registered
/// before (such as the in-memory default of <c>AddJwtSessions</c>); call it before or after <c>AddJwtSessions</c>.
/// </summary>
/// <threadsafety>Call during start-up only, like every <see cref="IServiceCollection"/> extension.</threadsafety>
public static class RedisSessionStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="RedisSessionStore"/> that makes and owns its connection, as the singleton <see cref="ISessionStore"/>
    /// (and <see cref="RedisSessionStore"/>), replacing any other store registered before (the in-memory default). A second call of
    /// either overload changes nothing: the first store and its configuration stay. Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">The StackExchange.Redis configuration string, for example <c>redis:6379,password=…</c>.</param>
    /// <param name="configure">Configures the other options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <remarks>
    /// At host start (<c>ValidateOnStart</c>) an <see cref="OptionsValidationException"/> reports a missing connection string, an
    /// empty key prefix, a non-positive interval, or a revocation retention shorter than the reconcile look-back. The connection is made when the store is first resolved, with
    /// <c>abortConnect=false</c>: the application starts while Redis is down and the store connects when it comes up. The
    /// store uses <see cref="RedisSessionStoreOptions.TimeProvider"/>, else a registered <see cref="TimeProvider"/>, else the
    /// system clock.
    /// </remarks>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their first parameter, so no call is ambiguous.")]
    public static IServiceCollection AddRedisSessionStore(
        this IServiceCollection services,
        string connectionString,
        Action<RedisSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (IsRegistered(services))
        {
            return services;
        }

        services.AddOptions<RedisSessionStoreOptions>()
            .Configure(options =>
            {
                options.Configuration = connectionString;
                configure?.Invoke(options);
            })
            .Validate(static options => !string.IsNullOrWhiteSpace(options.Configuration), "A Redis connection string is required.")
            .ValidateOnStart();
        return AddCore(services, static (sp, options) => RedisSessionStore.Connect(options, sp.GetService<TimeProvider>()));
    }

    /// <summary>
    /// Registers a <see cref="RedisSessionStore"/> on an existing connection, which it does not own, as the singleton
    /// <see cref="ISessionStore"/> (and <see cref="RedisSessionStore"/>), replacing any other store registered before (the in-memory
    /// default). A second call of either overload changes nothing. Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connection">The connection; configure it with <c>abortConnect=false</c> so it recovers from outages by itself.</param>
    /// <param name="configure">Configures the options; <see cref="RedisSessionStoreOptions.Configuration"/> is ignored.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="connection"/> is null.</exception>
    /// <remarks>
    /// At host start an <see cref="OptionsValidationException"/> reports an empty key prefix, a non-positive interval, or a
    /// revocation retention shorter than the reconcile look-back.
    /// </remarks>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their first parameter, so no call is ambiguous.")]
    public static IServiceCollection AddRedisSessionStore(
        this IServiceCollection services,
        IConnectionMultiplexer connection,
        Action<RedisSessionStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        if (IsRegistered(services))
        {
            return services;
        }

        var builder = services.AddOptions<RedisSessionStoreOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        return AddCore(services, (sp, options) => new RedisSessionStore(connection, options, sp.GetService<TimeProvider>(), ownsConnection: false));
    }

    /// <summary>
    /// Registers a <see cref="RedisDpopReplayCache"/> on the Redis session store's connection and key prefix as the
    /// <see cref="IDpopReplayCache"/> of <c>AddJwtSessionsDpop</c>'s proof validator, replacing the in-memory default in either
    /// order of the calls, so that a proof accepted by one server is refused by every other (RFC 9449 §11.1).
    /// </summary>
    /// <param name="services">The service collection; <see cref="AddRedisSessionStore(IServiceCollection, string, Action{RedisSessionStoreOptions}?)"/> must register the store too.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <remarks>
    /// The cache fails closed: with Redis unreachable, proofs are refused as replayed. Resolving it without a registered
    /// Redis store throws <see cref="InvalidOperationException"/>. Its clock is the container's <see cref="TimeProvider"/>, else
    /// the system clock.
    /// </remarks>
    public static IServiceCollection AddRedisDpopReplayCache(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.RemoveAll<IDpopReplayCache>();
        services.AddSingleton<IDpopReplayCache>(static sp =>
        {
            var store = sp.GetService<RedisSessionStore>()
                ?? throw new InvalidOperationException("AddRedisDpopReplayCache shares the Redis session store's connection: call AddRedisSessionStore too.");
            return new RedisDpopReplayCache(store.Connection, store.KeyPrefix, sp.GetService<TimeProvider>());
        });
        return services;
    }

    /// <summary>
    /// A second call keeps the first store, and so also its configuration: its options delegates would otherwise run on the
    /// first store's options too (a mix of both connection strings and prefixes).
    /// </summary>
    private static bool IsRegistered(IServiceCollection services) => services.Any(static d => d.ServiceType == typeof(RedisSessionStore));

    private static IServiceCollection AddCore(IServiceCollection services, Func<IServiceProvider, RedisSessionStoreOptions, RedisSessionStore> create)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisSessionStoreOptions>, RedisSessionStoreOptionsValidator>());
        services.TryAddSingleton(sp => create(sp, sp.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value));

        // Asking for the Redis store is explicit: it replaces a default registered earlier (AddJwtSessions' in-memory store),
        // so the order of AddJwtSessions and AddRedisSessionStore does not matter.
        services.RemoveAll<ISessionStore>();
        services.AddSingleton<ISessionStore>(static sp => sp.GetRequiredService<RedisSessionStore>());
        return services;
    }
}
