using JwtSessions.AspNetCore.Configuration;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// <c>AddJwtSessions</c> and <c>AddJwtSessionsValidation</c> reading their options from a configuration section (keys from
/// JWK or JWK-set files or inline JSON, issuer, audience, lifetimes; docs/aspnetcore.md, "Configuration").
/// </summary>
/// <remarks>
/// The section is read when the options are first built, which <c>ValidateOnStart</c> makes the host's start: a missing
/// file, a bad key or a malformed value fails the start with an <see cref="Options.OptionsValidationException"/> whose
/// messages name each setting by its configuration path. Values the section sets override the defaults; the
/// <c>configure</c> callback runs after it and overrides both.
/// </remarks>
/// <threadsafety>Registration runs once at start-up.</threadsafety>
public static class JwtSessionsConfigurationServiceCollectionExtensions
{
    /// <summary>Registers the issuing server's <see cref="SessionManager"/> (see <c>AddJwtSessions(Action)</c>), configured from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, for example <c>builder.Configuration.GetSection("JwtSessions")</c>.</param>
    /// <param name="configure">Further configuration in code, applied after the section; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessions(this IServiceCollection services, IConfiguration configuration, Action<SessionManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SessionManagerOptions>()
            .Configure<IServiceProvider>((options, provider) => Reader(configuration, provider).Read(options));
        return services.AddJwtSessions(configure ?? (static _ => { }));
    }

    /// <summary>Registers a validating server's <see cref="TokenValidator"/> (see <c>AddJwtSessionsValidation(Action)</c>), configured from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section, for example <c>builder.Configuration.GetSection("JwtSessions")</c>.</param>
    /// <param name="configure">Further configuration in code, applied after the section; optional.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddJwtSessionsValidation(this IServiceCollection services, IConfiguration configuration, Action<AccessTokenValidationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AccessTokenValidationOptions>()
            .Configure<IServiceProvider>((options, provider) => Reader(configuration, provider).Read(options));
        return services.AddJwtSessionsValidation(configure ?? (static _ => { }));
    }

    // Relative key files are read from the content root (the application's folder), not the process's current directory.
    private static JwtSessionsConfigurationReader Reader(IConfiguration configuration, IServiceProvider provider)
        => new(configuration, provider.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory());
}
