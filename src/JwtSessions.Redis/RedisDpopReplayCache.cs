using JwtSessions.Dpop;
using StackExchange.Redis;

namespace JwtSessions.Redis;

/// <summary>
/// A DPoP replay cache in Redis, shared by every server of a deployment: a proof accepted by one server is refused by all
/// others (RFC 9449 §11.1). Each proof is one key, set with <c>SET key 1 NX PX ttl</c>: atomic, and expiring by itself
/// once the proof is outside the <c>iat</c> window, so the cache needs no sweeping and is bounded by the proof rate times
/// the window.
/// </summary>
/// <remarks>
/// Fails closed: when Redis cannot be reached or answers with an error, the proof is reported as not recorded and is
/// refused (<see cref="DpopProofError.Replayed"/>), never accepted unrecorded. docs/redis.md lists the key.
/// </remarks>
/// <threadsafety>Thread-safe; share one instance per process.</threadsafety>
public sealed class RedisDpopReplayCache : IDpopReplayCache
{
    private readonly IDatabase _database;
    private readonly string _prefix;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="RedisDpopReplayCache"/> class on an existing connection, which it does not own.</summary>
    /// <param name="connection">The connection (the session store's may be shared).</param>
    /// <param name="keyPrefix">The prefix of every key; the session store's <see cref="RedisSessionStoreOptions.KeyPrefix"/> by default. Keys are <c>&lt;prefix&gt;dpop:&lt;proof id&gt;</c>.</param>
    /// <param name="timeProvider">The clock that turns an entry's expiry into a TTL; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="keyPrefix"/> is empty.</exception>
    public RedisDpopReplayCache(IConnectionMultiplexer connection, string keyPrefix = RedisSessionStoreOptions.DefaultKeyPrefix, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _database = connection.GetDatabase();
        _prefix = keyPrefix + "dpop:";
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryAddAsync(string proofId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proofId);
        cancellationToken.ThrowIfCancellationRequested();

        // At least a second: an entry must outlive the request that made it, whatever the clocks say.
        var ttl = expiresAt - _time.GetUtcNow();
        if (ttl < TimeSpan.FromSeconds(1))
        {
            ttl = TimeSpan.FromSeconds(1);
        }

        try
        {
            return await _database.StringSetAsync(_prefix + proofId, 1, ttl, When.NotExists).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }
}
