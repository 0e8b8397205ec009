using JwtSessions.Anomalies;
using JwtSessions.AspNetCore.Anomalies;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// Feeds the <see cref="AnomalyDetector"/>, when the application registered one, with what the bearer handler and the
/// refresh endpoint rejected, under the request's client key. Allocates nothing for an IPv4 client or a device id.
/// </summary>
internal static class AnomalyFeed
{
    public static void RecordInvalidAccessToken(HttpContext context, JwtSessionsEndpointOptions endpoints, TokenValidationError error)
    {
        if (context.RequestServices.GetService<AnomalyDetector>() is { } detector)
        {
            Span<char> buffer = stackalloc char[ClientKeys.MaxLength];
            detector.RecordInvalidAccessToken(Key(context, endpoints, buffer), error);
        }
    }

    public static void RecordRefresh(HttpContext context, JwtSessionsEndpointOptions endpoints, RefreshResult result)
    {
        if (context.RequestServices.GetService<AnomalyDetector>() is { } detector)
        {
            Span<char> buffer = stackalloc char[ClientKeys.MaxLength];
            detector.RecordRefresh(Key(context, endpoints, buffer), result);
        }
    }

    private static ReadOnlySpan<char> Key(HttpContext context, JwtSessionsEndpointOptions endpoints, Span<char> buffer)
    {
        var mode = context.RequestServices.GetService<IOptions<JwtSessionsAnomalyOptions>>()?.Value.ClientKey ?? JwtSessionsClientKey.RemoteIpAddress;
        return ClientKeys.Of(context, mode, endpoints.DeviceIdHeaderName, buffer);
    }
}
