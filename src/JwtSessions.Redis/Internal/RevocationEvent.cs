using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using JwtSessions.Sessions;

namespace JwtSessions.Redis.Internal;

/// <summary>Reads the revocation document the revoke script publishes and logs (see <see cref="StoredRevocation"/>).</summary>
internal static class RevocationEvent
{
    public static bool TryParse(string? json, [NotNullWhen(true)] out SessionRevocation? revocation)
    {
        revocation = null;
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            var stored = JsonSerializer.Deserialize(json, RedisJsonContext.Default.StoredRevocation);
            if (stored is not { SessionId.Length: > 0, Subject: not null, RevokedAt.Length: Instant.Width })
            {
                return false;
            }

            revocation = new SessionRevocation(stored.SessionId, stored.Subject, Instant.Decode(stored.RevokedAt), (SessionEndReason)stored.Reason);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // Not a document this store wrote (another writer on the channel): ignore it rather than stop the feed.
            return false;
        }
    }
}
