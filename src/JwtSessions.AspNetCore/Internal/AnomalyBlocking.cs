using JwtSessions.Anomalies;
using JwtSessions.AspNetCore.Anomalies;
using JwtSessions.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// The middleware that answers a blocked client key with 429 before any token is read, and the record of where it was
/// placed: at the start of the pipeline by <see cref="AnomalyBlockingStartupFilter"/>, or where the application called
/// <c>UseJwtSessionsAnomalyBlocking</c> (which then takes its place, so it never runs twice).
/// </summary>
internal sealed class AnomalyBlocking
{
    /// <summary>Gets or sets whether the application placed the middleware itself.</summary>
    public bool PlacedByApplication { get; set; }

    /// <summary>The middleware over <paramref name="next"/>, with the detector and keying options of <paramref name="services"/>.</summary>
    public static RequestDelegate Create(IServiceProvider services, RequestDelegate next)
    {
        var detector = services.GetService<AnomalyDetector>() ?? throw new InvalidOperationException(
            "UseJwtSessionsAnomalyBlocking needs the detector of AddJwtSessionsAnomalyDetection: register it.");
        var mode = services.GetRequiredService<IOptions<JwtSessionsAnomalyOptions>>().Value.ClientKey;
        var deviceIdHeader = services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value.DeviceIdHeaderName;
        return context => IsBlocked(context, detector, mode, deviceIdHeader, out var retryAfter)
            ? Problems.ClientBlocked(context, retryAfter).ExecuteAsync(context)
            : next(context);
    }

    private static bool IsBlocked(HttpContext context, AnomalyDetector detector, JwtSessionsClientKey mode, string? deviceIdHeader, out TimeSpan retryAfter)
    {
        Span<char> buffer = stackalloc char[ClientKeys.MaxLength];
        return detector.IsBlocked(ClientKeys.Of(context, mode, deviceIdHeader, buffer), out retryAfter);
    }
}
