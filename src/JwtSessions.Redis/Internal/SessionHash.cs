using System.Globalization;
using System.Text.Json;
using JwtSessions.Sessions;
using StackExchange.Redis;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// The fields of a session hash and their conversion to and from <see cref="SessionRecord"/>. Instants use
/// <see cref="Instant"/>; optional values are absent rather than empty.
/// </summary>
internal static class SessionHash
{
    public const string Subject = "sub";
    public const string CreatedAt = "created";
    public const string AbsoluteExpiresAt = "abs";
    public const string IdleExpiresAt = "idle";
    public const string Generation = "gen";
    public const string RotatedAt = "rot";
    public const string RevokedAt = "rev";
    public const string RevocationReason = "why";
    public const string Scope = "scope";
    public const string ClientId = "client";
    public const string Metadata = "meta";
    public const string KeyThumbprint = "jkt";

    /// <summary>The record as alternating field names and values, ready for <c>HSET</c>.</summary>
    public static List<RedisValue> Encode(SessionRecord session)
    {
        var values = new List<RedisValue>(22)
        {
            Subject, session.Subject,
            CreatedAt, Instant.Encode(session.CreatedAt),
            AbsoluteExpiresAt, Instant.Encode(session.AbsoluteExpiresAt),
            IdleExpiresAt, Instant.Encode(session.IdleExpiresAt),
            Generation, session.Generation.ToString(CultureInfo.InvariantCulture),
            RotatedAt, Instant.Encode(session.RotatedAt),
        };
        if (session.RevokedAt is { } revokedAt)
        {
            values.Add(RevokedAt);
            values.Add(Instant.Encode(revokedAt));
        }

        if (session.RevocationReason is { } reason)
        {
            values.Add(RevocationReason);
            values.Add(((int)reason).ToString(CultureInfo.InvariantCulture));
        }

        if (session.Scope is not null)
        {
            values.Add(Scope);
            values.Add(session.Scope);
        }

        if (session.ClientId is not null)
        {
            values.Add(ClientId);
            values.Add(session.ClientId);
        }

        if (session.KeyThumbprint is not null)
        {
            values.Add(KeyThumbprint);
            values.Add(session.KeyThumbprint);
        }

        if (EncodeMetadata(session.Metadata) is { } json)
        {
            values.Add(Metadata);
            values.Add(json);
        }

        return values;
    }

    /// <summary>A record from <c>HGETALL</c> as returned by a script (alternating names and values).</summary>
    /// <returns>The record, or <see langword="null"/> when the hash is empty (the key does not exist).</returns>
    public static SessionRecord? Decode(string sessionId, RedisResult flat)
    {
        var items = (RedisResult[]?)flat;
        if (items is null || items.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(items.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < items.Length; i += 2)
        {
            fields[(string)items[i]!] = (string)items[i + 1]!;
        }

        return Decode(sessionId, fields);
    }

    /// <summary>A record from <c>HGETALL</c>.</summary>
    /// <returns>The record, or <see langword="null"/> when the hash is empty (the key does not exist).</returns>
    public static SessionRecord? Decode(string sessionId, HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = new Dictionary<string, string>(entries.Length, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            fields[entry.Name!] = entry.Value!;
        }

        return Decode(sessionId, fields);
    }

    private static SessionRecord? Decode(string sessionId, Dictionary<string, string> fields)
    {
        // A hash without its core fields is not a session this store wrote (or a half-expired leftover): treat it as absent.
        if (!fields.TryGetValue(Subject, out var subject)
            || !fields.TryGetValue(CreatedAt, out var created)
            || !fields.TryGetValue(AbsoluteExpiresAt, out var absolute)
            || !fields.TryGetValue(IdleExpiresAt, out var idle)
            || !fields.TryGetValue(Generation, out var generation)
            || !fields.TryGetValue(RotatedAt, out var rotated))
        {
            return null;
        }

        // A sign-in still in progress (or one that stopped before it finished): not a session yet, unless revoked meanwhile.
        if (fields.ContainsKey(RedisScripts.PendingField) && !fields.ContainsKey(RevokedAt))
        {
            return null;
        }

        return new SessionRecord
        {
            SessionId = sessionId,
            Subject = subject,
            CreatedAt = Instant.Decode(created),
            AbsoluteExpiresAt = Instant.Decode(absolute),
            IdleExpiresAt = Instant.Decode(idle),
            Generation = long.Parse(generation, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
            RotatedAt = Instant.Decode(rotated),
            RevokedAt = fields.TryGetValue(RevokedAt, out var revoked) ? Instant.Decode(revoked) : null,
            RevocationReason = fields.TryGetValue(RevocationReason, out var reason)
                ? (SessionEndReason)int.Parse(reason, NumberStyles.None, CultureInfo.InvariantCulture)
                : null,
            Scope = fields.GetValueOrDefault(Scope),
            ClientId = fields.GetValueOrDefault(ClientId),
            KeyThumbprint = fields.GetValueOrDefault(KeyThumbprint),
            Metadata = fields.TryGetValue(Metadata, out var meta) ? DecodeMetadata(meta) : SessionMetadata.Empty,
        };
    }

    /// <summary>The metadata as the JSON of the <c>meta</c> field, or <see langword="null"/> for none (no field).</summary>
    public static string? EncodeMetadata(SessionMetadata? metadata)
    {
        // The shared empty instance round-trips as "no field", so a record without metadata reads back equal to itself.
        if (metadata is null || ReferenceEquals(metadata, SessionMetadata.Empty)
            || (metadata.DeviceName is null && metadata.UserAgent is null && metadata.IpAddress is null && metadata.DeviceId is null
                && metadata.LastSeenAt is null && metadata.LastSeenIpAddress is null && metadata.Custom.Count == 0))
        {
            return null;
        }

        var stored = new StoredMetadata
        {
            DeviceName = metadata.DeviceName,
            UserAgent = metadata.UserAgent,
            IpAddress = metadata.IpAddress,
            DeviceId = metadata.DeviceId,
            LastSeenAt = metadata.LastSeenAt,
            LastSeenIpAddress = metadata.LastSeenIpAddress,
            Custom = metadata.Custom.Count == 0 ? null : new Dictionary<string, string>(metadata.Custom, StringComparer.Ordinal),
        };
        return JsonSerializer.Serialize(stored, RedisJsonContext.Default.StoredMetadata);
    }

    private static SessionMetadata DecodeMetadata(string json)
    {
        var stored = JsonSerializer.Deserialize(json, RedisJsonContext.Default.StoredMetadata);
        if (stored is null)
        {
            return SessionMetadata.Empty;
        }

        return new SessionMetadata
        {
            DeviceName = stored.DeviceName,
            UserAgent = stored.UserAgent,
            IpAddress = stored.IpAddress,
            DeviceId = stored.DeviceId,
            LastSeenAt = stored.LastSeenAt,
            LastSeenIpAddress = stored.LastSeenIpAddress,
            Custom = stored.Custom is { Count: > 0 } custom
                ? new Dictionary<string, string>(custom, StringComparer.Ordinal)
                : new Dictionary<string, string>(),
        };
    }
}
