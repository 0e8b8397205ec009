using JwtSessions.Anomalies;
using JwtSessions.AspNetCore.Anomalies;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the middleware that answers blocked clients before any token is read.</summary>
/// <threadsafety>Pipeline configuration runs once at start-up.</threadsafety>
public static class JwtSessionsAnomalyApplicationBuilderExtensions
{
    /// <summary>
    /// Answers a request whose client key the <see cref="AnomalyDetector"/> has blocked with 429 ProblemDetails
    /// (<see cref="JwtSessionsProblemTypes.ClientBlocked"/>) and <c>Retry-After</c>, before authentication validates any
    /// token. Place it after <c>UseForwardedHeaders</c> (so the key is the client's address, not the proxy's) and before
    /// <c>UseAuthentication</c>. Requires <c>AddJwtSessionsAnomalyDetection</c>.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    public static IApplicationBuilder UseJwtSessionsAnomalyBlocking(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var detector = services.GetService<AnomalyDetector>() ?? throw new InvalidOperationException(
            "UseJwtSessionsAnomalyBlocking needs the detector of AddJwtSessionsAnomalyDetection: register it.");
        var keys = services.GetRequiredService<IOptions<JwtSessionsAnomalyOptions>>().Value;
        var deviceIdHeader = services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value.DeviceIdHeaderName;
        return app.Use((context, next) => IsBlocked(context, detector, keys.ClientKey, deviceIdHeader, out var retryAfter)
            ? Problems.ClientBlocked(context, retryAfter).ExecuteAsync(context)
            : next(context));
    }

    private static bool IsBlocked(HttpContext context, AnomalyDetector detector, JwtSessionsClientKey mode, string? deviceIdHeader, out TimeSpan retryAfter)
    {
        Span<char> buffer = stackalloc char[ClientKeys.MaxLength];
        return detector.IsBlocked(ClientKeys.Of(context, mode, deviceIdHeader, buffer), out retryAfter);
    }
}
