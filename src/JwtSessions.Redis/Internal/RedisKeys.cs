using System.Text;
using StackExchange.Redis;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// Every key and channel the store uses; docs/redis.md ("Data layout", "Key layout by slot") describes each one. The
/// braces are Redis Cluster hash tags: a session's hash lives in the session's slot, a subject's index in the subject's slot,
/// and each revocation-log shard (with its retention key) in a slot of its own, so every script touches one slot only.
/// </summary>
internal sealed class RedisKeys
{
    /// <summary>How many shards the revocation log is split into; a revocation goes to the shard of its session id.</summary>
    public const int RevocationShards = 16;

    private readonly RedisKey[] _logs;
    private readonly RedisKey[] _logRetentions;

    public RedisKeys(string prefix)
    {
        Prefix = prefix;
        SessionPrefix = prefix + "s:";
        Tombstones = prefix + "tombstones";
        RevocationChannelName = prefix + "revoked";
        RevocationChannel = RedisChannel.Literal(RevocationChannelName);
        _logs = new RedisKey[RevocationShards];
        _logRetentions = new RedisKey[RevocationShards];
        for (var i = 0; i < RevocationShards; i++)
        {
            var shard = prefix + "revocations:{" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}";
            _logs[i] = shard;
            _logRetentions[i] = shard + ":retention";
        }
    }

    /// <summary>Gets the configured prefix.</summary>
    public string Prefix { get; }

    /// <summary>Gets the prefix of session hashes; <c>{id}</c> follows.</summary>
    public string SessionPrefix { get; }

    /// <summary>Gets the sorted set of tombstones: revoked sessions' ids (score: when the store revoked them, Unix ms).</summary>
    public RedisKey Tombstones { get; }

    /// <summary>Gets the name of the pub/sub channel revocations are pushed on.</summary>
    public string RevocationChannelName { get; }

    /// <summary>Gets the pub/sub channel revocations are pushed on.</summary>
    public RedisChannel RevocationChannel { get; }

    /// <summary>Gets the shards of the revocation log (score: the Redis server's time when logged, Unix ms).</summary>
    public IReadOnlyList<RedisKey> RevocationLogs => _logs;

    /// <summary>The hash of one session, in the session's own slot.</summary>
    public RedisKey Session(string sessionId) => SessionPrefix + "{" + sessionId + "}";

    /// <summary>The sorted set of one subject's session ids (score: creation time, Unix ms), in the subject's slot.</summary>
    public RedisKey Subject(string subject) => Prefix + "u:{" + subject + "}";

    /// <summary>The revocation-log shard of a session: a stable hash of its id (FNV-1a over UTF-8), the same in every process.</summary>
    public static int ShardOf(string sessionId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(sessionId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % RevocationShards);
    }

    /// <summary>The revocation-log shard a session's revocation is recorded in.</summary>
    public RedisKey RevocationLog(int shard) => _logs[shard];

    /// <summary>The deployment's longest revocation retention (ms), kept beside each log shard in its slot.</summary>
    public RedisKey RevocationRetention(int shard) => _logRetentions[shard];
}
