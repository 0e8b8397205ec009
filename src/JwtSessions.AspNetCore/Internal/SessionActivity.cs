using System.Text.Json.Serialization;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// What the endpoints last saw of a session (at its last refresh): the client's User-Agent and IP address and when. Kept
/// beside the session in the distributed cache, since the session record's metadata is written once at sign-in.
/// </summary>
internal sealed class SessionActivity
{
    [JsonPropertyName("user_agent")]
    public string? UserAgent { get; init; }

    [JsonPropertyName("ip_address")]
    public string? IpAddress { get; init; }

    [JsonPropertyName("device_name")]
    public string? DeviceName { get; init; }

    [JsonPropertyName("seen_at")]
    public DateTimeOffset SeenAt { get; init; }
}
