using System.Text.Json.Serialization;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The body of a header-mode refresh: <c>{"refresh_token": "…"}</c>.</summary>
internal sealed class RefreshRequest
{
    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }
}
