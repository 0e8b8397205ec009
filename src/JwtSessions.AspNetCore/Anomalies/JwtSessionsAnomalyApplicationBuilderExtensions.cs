using JwtSessions.Anomalies;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the middleware that answers blocked clients before any token is read.</summary>
/// <threadsafety>Pipeline configuration runs once at start-up.</threadsafety>
public static class JwtSessionsAnomalyApplicationBuilderExtensions
{
    /// <summary>
    /// Answers a request whose client key the <see cref="AnomalyDetector"/> has blocked with 429 ProblemDetails
    /// (<see cref="JwtSessionsProblemTypes.ClientBlocked"/>) and <c>Retry-After</c>, before authentication validates any
    /// token, at this point of the pipeline. Registering the detector (<c>AddJwtSessionsAnomalyDetection</c>) already puts
    /// this middleware at the start of the pipeline; call this only to place it elsewhere, such as after
    /// <c>UseForwardedHeaders</c> (so the key is the client's address, not the proxy's): the middleware then runs here
    /// instead, never twice.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The detector is not registered.</exception>
    public static IApplicationBuilder UseJwtSessionsAnomalyBlocking(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        _ = services.GetService<AnomalyDetector>() ?? throw new InvalidOperationException(
            "UseJwtSessionsAnomalyBlocking needs the detector of AddJwtSessionsAnomalyDetection: register it.");
        if (services.GetService<AnomalyBlocking>() is { } placement)
        {
            placement.PlacedByApplication = true;
        }

        return app.Use(next => AnomalyBlocking.Create(services, next));
    }
}
