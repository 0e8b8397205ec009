using System.Text.Json.Serialization;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>Source-generated serialization of the endpoints' bodies (no reflection, trimming-safe).</summary>
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(SessionInfo[]))]
[JsonSerializable(typeof(LogoutAllResponse))]
internal sealed partial class EndpointJsonContext : JsonSerializerContext;
