using System.Diagnostics.Metrics;
using JwtSessions.Anomalies;
using JwtSessions.AspNetCore.Anomalies;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the anomaly detector the bearer handler, the refresh endpoint and the blocking middleware use.</summary>
/// <threadsafety>Registration runs once at start-up.</threadsafety>
public static class JwtSessionsAnomalyServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="AnomalyDetector"/> (thresholds, window and memory budget checked at start-up by
    /// <see cref="AnomalyDetectorOptions.Validate"/>) on the container's clock, logger and meter. Once registered, the bearer
    /// handler counts rejected access tokens and the refresh endpoint failed refreshes against the client's key, and a
    /// middleware at the start of the pipeline answers blocked keys with 429 before any token is read (through a startup
    /// filter; <see cref="JwtSessionsAnomalyOptions.BlockAtPipelineStart"/> turns it off, and <c>UseJwtSessionsAnomalyBlocking</c>
    /// moves it, for instance after <c>UseForwardedHeaders</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configureDetector">Configures the detector; optional.</param>
    /// <param name="configure">Configures how clients are keyed; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessionsAnomalyDetection(
        this IServiceCollection services,
        Action<AnomalyDetectorOptions>? configureDetector = null,
        Action<JwtSessionsAnomalyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var detector = services.AddOptions<AnomalyDetectorOptions>().ValidateOnStart();
        if (configureDetector is not null)
        {
            detector.Configure(configureDetector);
        }

        var keys = services.AddOptions<JwtSessionsAnomalyOptions>().ValidateOnStart();
        if (configure is not null)
        {
            keys.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AnomalyDetectorOptions>, Validator<AnomalyDetectorOptions>>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtSessionsAnomalyOptions>, Validator<JwtSessionsAnomalyOptions>>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AnomalyBlocking>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, AnomalyBlockingStartupFilter>());
        services.TryAddSingleton(static sp => new AnomalyDetector(
            sp.GetRequiredService<IOptions<AnomalyDetectorOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<AnomalyDetector>>(),
            sp.GetService<IMeterFactory>()));
        return services;
    }

    private sealed class Validator<TOptions> : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var problems = options switch
            {
                AnomalyDetectorOptions detector => detector.Validate(),
                JwtSessionsAnomalyOptions keys => keys.Validate(),
                _ => [],
            };
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => "JwtSessions anomaly detection: " + p));
        }
    }
}
