using System.Text.Json.Serialization;

namespace JwtSessions.AspNetCore.Tests.Support;

/// <summary>A sign-in or refresh answer as a client reads it.</summary>
internal sealed class TokenBody
{
    [JsonPropertyName("token_type")]
    public string? TokenType { get; init; }

    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("expires_in")]
    public long ExpiresIn { get; init; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }

    [JsonPropertyName("refresh_token_expires_at")]
    public DateTimeOffset RefreshTokenExpiresAt { get; init; }

    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    [JsonPropertyName("csrf_token")]
    public string? CsrfToken { get; init; }
}
