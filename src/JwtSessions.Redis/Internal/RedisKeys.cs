using StackExchange.Redis;

namespace JwtSessions.Redis.Internal;

/// <summary>Every key and channel the store uses; docs/redis.md ("Data layout") describes each one.</summary>
internal sealed class RedisKeys
{
    public RedisKeys(string prefix)
    {
        Prefix = prefix;
        SessionPrefix = prefix + "s:";
        Revocations = prefix + "revocations";
        RevocationRetention = prefix + "revocations:retention";
        Tombstones = prefix + "tombstones";
        RevocationChannelName = prefix + "revoked";
        RevocationChannel = RedisChannel.Literal(RevocationChannelName);
    }

    /// <summary>Gets the configured prefix.</summary>
    public string Prefix { get; }

    /// <summary>Gets the prefix of session hashes; the session id follows.</summary>
    public string SessionPrefix { get; }

    /// <summary>Gets the sorted set of recent revocations (score: the Redis server's time when logged, Unix ms).</summary>
    public RedisKey Revocations { get; }

    /// <summary>Gets the longest revocation retention (ms) of any store logging revocations; the log is trimmed by it.</summary>
    public RedisKey RevocationRetention { get; }

    /// <summary>Gets the sorted set of tombstones: revoked sessions' ids (score: when the store revoked them, Unix ms).</summary>
    public RedisKey Tombstones { get; }

    /// <summary>Gets the name of the pub/sub channel revocations are pushed on.</summary>
    public string RevocationChannelName { get; }

    /// <summary>Gets the pub/sub channel revocations are pushed on.</summary>
    public RedisChannel RevocationChannel { get; }

    /// <summary>The hash of one session.</summary>
    public RedisKey Session(string sessionId) => SessionPrefix + sessionId;

    /// <summary>The sorted set of one subject's session ids (score: creation time, Unix ms).</summary>
    public RedisKey Subject(string subject) => Prefix + "u:" + subject;
}
