using System.Text.Json.Serialization;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// A revocation as the revoke script publishes it and records it in the revocation log:
/// <c>{"id":…,"sub":…,"at":"&lt;19-digit ticks&gt;","why":&lt;SessionEndReason&gt;}</c>.
/// </summary>
internal sealed class StoredRevocation
{
    [JsonPropertyName("id")]
    public string? SessionId { get; set; }

    [JsonPropertyName("sub")]
    public string? Subject { get; set; }

    [JsonPropertyName("at")]
    public string? RevokedAt { get; set; }

    [JsonPropertyName("why")]
    public int Reason { get; set; }
}
