using System.Text.Json.Serialization;

namespace JwtSessions.Redis.Internal;

/// <summary>Source-generated JSON for the two documents the store keeps (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(StoredMetadata))]
[JsonSerializable(typeof(StoredRevocation))]
internal sealed partial class RedisJsonContext : JsonSerializerContext
{
}
