using System.Text.Json.Serialization;

namespace JwtSessions.AspNetCore.Tests.Support;

/// <summary>A ProblemDetails answer (RFC 9457) as a client reads it.</summary>
internal sealed class Problem
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("status")]
    public int Status { get; init; }
}
