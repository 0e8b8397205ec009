using System.Text.Json.Serialization;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The body of <c>POST {prefix}/logout-all</c>: how many sessions were ended.</summary>
internal sealed class LogoutAllResponse
{
    [JsonPropertyName("revoked")]
    public int Revoked { get; init; }
}
