using System.Text.Json.Serialization;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>One of the caller's sessions, as <c>GET {prefix}/sessions</c> lists it ("your devices").</summary>
internal sealed class SessionInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("current")]
    public bool Current { get; init; }

    [JsonPropertyName("device_name")]
    public string? DeviceName { get; init; }

    [JsonPropertyName("user_agent")]
    public string? UserAgent { get; init; }

    [JsonPropertyName("ip_address")]
    public string? IpAddress { get; init; }

    [JsonPropertyName("client_id")]
    public string? ClientId { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("last_seen_at")]
    public DateTimeOffset LastSeenAt { get; init; }

    [JsonPropertyName("expires_at")]
    public DateTimeOffset ExpiresAt { get; init; }
}
