using System.Net;
using System.Net.Sockets;
using JwtSessions.AspNetCore.Anomalies;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The client key of a request (<see cref="JwtSessionsClientKey"/>), written into a caller's buffer: no allocation for an IPv4 client or a device id.</summary>
internal static class ClientKeys
{
    /// <summary>Room for any key this writes (an IPv6 address is at most 45 characters; a device id is capped here).</summary>
    public const int MaxLength = 128;

    public static ReadOnlySpan<char> Of(HttpContext context, JwtSessionsClientKey mode, string? deviceIdHeader, Span<char> buffer)
    {
        if (mode == JwtSessionsClientKey.DeviceId && deviceIdHeader is not null
            && context.Request.Headers[deviceIdHeader] is { Count: 1 } values && values[0] is { Length: > 0 and <= MaxLength } deviceId
            && !deviceId.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            // Visible ASCII only: the key is logged with the detector's events, and a client must not write line breaks,
            // control or bidirectional characters into the host's logs. Any other value keys the client by its address.
            return deviceId;
        }

        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        else if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // One subscriber commonly holds a whole /64: key the prefix, or each of its addresses would be a fresh client.
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            address = new IPAddress(bytes);
        }

        return address.TryFormat(buffer, out var written) ? buffer[..written] : "unknown";
    }
}
