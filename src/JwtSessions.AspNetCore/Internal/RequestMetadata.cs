using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Sessions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// The descriptive metadata of a request (User-Agent, IP address, device name), bounded in length and stripped of control
/// characters: it is shown to the user later and must not carry a header injection or an unbounded string into the store.
/// </summary>
internal static class RequestMetadata
{
    private const int MaxUserAgent = 512;
    private const int MaxDeviceName = 128;
    private const int MaxDeviceId = ClientKeys.MaxLength;

    public static SessionMetadata ForSignIn(HttpContext context, JwtSessionsEndpointOptions options, JwtSessionSignInOptions? signIn)
    {
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        if (signIn is not null)
        {
            foreach (var (key, value) in signIn.Custom)
            {
                custom[key] = value;
            }
        }

        return new SessionMetadata
        {
            UserAgent = Clean(context.Request.Headers[HeaderNames.UserAgent].ToString(), MaxUserAgent),
            IpAddress = context.Connection.RemoteIpAddress?.ToString(),
            DeviceName = Clean(signIn?.DeviceName ?? context.Request.Headers[options.DeviceNameHeaderName].ToString(), MaxDeviceName),
            DeviceId = DeviceId(context, options),
            Custom = custom,
        };
    }

    /// <summary>What the server knows of the request, for the session manager to compare with the session's metadata.</summary>
    /// <summary>
    /// The request's context for sign-in and refresh: its address, user agent and device id, compared with the session's, and
    /// its DPoP proof with the method and URI it must be bound to, when it has one.
    /// </summary>
    public static SessionRequestContext ForRequest(HttpContext context, JwtSessionsEndpointOptions options)
    {
        var dpop = DpopRequest.ContextOf(context);
        return new()
        {
            IpAddress = context.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Clean(context.Request.Headers[HeaderNames.UserAgent].ToString(), MaxUserAgent),
            DeviceId = DeviceId(context, options),
            DpopProof = dpop?.DpopProof,
            HttpMethod = dpop?.HttpMethod,
            HttpUri = dpop?.HttpUri,
        };
    }

    private static string? DeviceId(HttpContext context, JwtSessionsEndpointOptions options)
        => options.DeviceIdHeaderName is { } header ? Clean(context.Request.Headers[header].ToString(), MaxDeviceId) : null;

    private static string? Clean(string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var span = value.AsSpan().Trim();
        if (span.Length > max)
        {
            // Never cut a surrogate pair in half: the stored text stays well-formed UTF-16.
            span = span[..(char.IsHighSurrogate(span[max - 1]) ? max - 1 : max)];
        }

        return string.Create(span.Length, span.ToString(), static (destination, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                destination[i] = char.IsControl(source[i]) || IsBidiControl(source[i]) || char.IsSurrogate(source[i]) && !IsPaired(source, i) ? ' ' : source[i];
            }
        });
    }

    /// <summary>
    /// The bidirectional formatting characters (Unicode's Bidi_Control): shown in a session list, they reorder the text around
    /// them, so a device name could pass itself off as another ("‮" turns "evil ... ecived ym" into "my device").
    /// </summary>
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    private static bool IsPaired(string text, int index)
        => char.IsHighSurrogate(text[index])
            ? index + 1 < text.Length && char.IsLowSurrogate(text[index + 1])
            : index > 0 && char.IsHighSurrogate(text[index - 1]);
}
