namespace JwtSessions.Redis;

/// <summary>Configuration of a <see cref="RedisSessionStore"/>; checked when the store is built (or at host start with DI).</summary>
/// <threadsafety>Not thread-safe; configure on one thread, then build the store. The store copies every value.</threadsafety>
public sealed class RedisSessionStoreOptions
{
    /// <summary>The default <see cref="KeyPrefix"/>.</summary>
    public const string DefaultKeyPrefix = "jwtsessions:";

    /// <summary>Gets or sets the StackExchange.Redis configuration string (for example <c>redis1:6379,password=…</c>).</summary>
    /// <value><see langword="null"/> by default.</value>
    /// <remarks>
    /// Required when the store makes its own connection (<see cref="RedisSessionStore.Connect(RedisSessionStoreOptions)"/>, or
    /// <c>AddRedisSessionStore(connectionString)</c>); ignored when an <c>IConnectionMultiplexer</c> is supplied. The store always
    /// connects with <c>abortConnect=false</c>, so it can start while Redis is down and recovers without a restart.
    /// </remarks>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the prefix of every key and of the revocation channel.</summary>
    /// <value><c>jwtsessions:</c> by default; must not be empty.</value>
    /// <remarks>
    /// Every server sharing sessions must use the same prefix. Use distinct prefixes to keep several applications (or test runs)
    /// apart in one database. The store adds its own hash tags after the prefix, so on Redis Cluster sessions spread over every
    /// primary; a prefix containing a hash tag (for example <c>{jwtsessions}:</c>) still works but puts every key in one slot.
    /// </remarks>
    public string KeyPrefix { get; set; } = DefaultKeyPrefix;

    /// <summary>Gets or sets the Redis database number.</summary>
    /// <value>-1 by default: the connection's default database.</value>
    public int Database { get; set; } = -1;

    /// <summary>Gets or sets how often the store re-reads the revocation log to catch up revocations its subscription missed.</summary>
    /// <value>5 seconds by default; must be positive.</value>
    /// <remarks>
    /// Revocations normally arrive by pub/sub within milliseconds; this interval bounds how late one whose message was lost can
    /// be seen. After a disconnect the store reconciles as soon as the connection is restored, without waiting for the interval.
    /// The timer runs on <see cref="TimeProvider"/>.
    /// </remarks>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long revocations stay in the revocation log that reconciliation reads.</summary>
    /// <value>1 hour by default; at least two reconcile intervals plus a minute (checked).</value>
    /// <remarks>
    /// Must also be at least the access-token lifetime plus the clock skew of every <c>SessionManager</c> sharing the store
    /// (5 minutes 30 seconds with the defaults): past that, no access token of a revoked session can be valid, so an older
    /// revocation no longer matters. A server disconnected for longer than this still catches up every revocation that does.
    /// The log is trimmed on the Redis server's clock by the longest retention of any store sharing the prefix.
    /// </remarks>
    public TimeSpan RevocationRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how long a revoked session's hash is kept as a tombstone at most (it also goes at the session's deadline,
    /// if earlier), so that a replayed refresh token reads "revoked" rather than "unknown".
    /// </summary>
    /// <value>1 hour by default; at least 1 second.</value>
    /// <remarks>
    /// It changes only how a refresh of a revoked session is reported (<c>SessionRevoked</c>, then <c>UnknownSession</c>): both
    /// fail. Access tokens of revoked sessions are rejected through the revocation log and feed, which
    /// <see cref="RevocationRetention"/> bounds, not through the tombstone.
    /// </remarks>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets the most tombstones (revoked sessions' hashes) kept at once; beyond it each revocation deletes the oldest
    /// ones. A live session is never deleted to make room.
    /// </summary>
    /// <value>100,000 by default (about 25 MB of Redis memory); must be positive. Every server sharing the prefix should use the same value.</value>
    public int MaxTombstones { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets how many replicas of a primary must hold a session write before the store acknowledges it: after every
    /// write that a failover must not lose, the store sends <c>WAIT</c> to that primary.
    /// </summary>
    /// <value>0 by default: writes are acknowledged once the primary has them (Redis's asynchronous replication); at least 0.</value>
    /// <remarks>
    /// <para>
    /// With Redis replication a primary acknowledges a write before its replicas have it, so a primary that dies and is
    /// replaced by a replica can take its last writes with it: a rotation the client was told about (its new refresh token
    /// then reads as a replay, and the session ends), a revocation (the session comes back in the store) or a sign-in.
    /// Set this to 1 or more on a deployment with replicas to close that window: each of those writes then waits until this
    /// many replicas hold it, and a write that does not reach them within <see cref="ReplicaAcknowledgementTimeout"/> throws
    /// <see cref="Sessions.SessionStoreUnavailableException"/> (it happened on the primary, but is not acknowledged; a client's
    /// retry with the same refresh token lands in the grace period).
    /// </para>
    /// <para>
    /// The cost is a replication round trip per write (a rotation waits once, a sign-in and a revocation twice), during which
    /// the connection to that primary queues other commands; a primary left without enough replicas refuses session writes
    /// until a replica is back. Redis documents that <c>WAIT</c> does not make Redis strongly consistent: a failover can
    /// still promote a replica other than those that acknowledged. docs/redis.md ("Durability and failover") has the
    /// measurements and the test.
    /// </para>
    /// </remarks>
    public int ReplicaAcknowledgements { get; set; }

    /// <summary>Gets or sets how long a session write waits for <see cref="ReplicaAcknowledgements"/> replicas.</summary>
    /// <value>1 second by default; between 1 millisecond and 1 minute. Unused when <see cref="ReplicaAcknowledgements"/> is 0.</value>
    public TimeSpan ReplicaAcknowledgementTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the clock used for key lifetimes and the reconcile timer.</summary>
    /// <value>
    /// <see langword="null"/> by default: the <see cref="System.TimeProvider"/> registered with dependency injection if any,
    /// otherwise <see cref="TimeProvider.System"/>.
    /// </value>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>How far back before its cursor a periodic reconcile reads: two intervals plus a minute for revokers' clocks.</summary>
    internal static TimeSpan ReconcileLookback(TimeSpan reconcileInterval) => (2 * reconcileInterval) + TimeSpan.FromMinutes(1);

    /// <summary>Checks the values that do not depend on how the store connects.</summary>
    /// <returns>The problems found, empty when the options are valid.</returns>
    internal List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            errors.Add("The key prefix must not be empty.");
        }
        else if (KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            // A brace in the prefix would make it the hash tag (all keys in one slot) or, as "{}", break the store's own tags
            // so that a script's keys land in different slots of a cluster.
            errors.Add("The key prefix must not contain '{' or '}': the store gives each key its own hash tag (docs/redis.md, \"Key layout by slot\").");
        }

        if (ReconcileInterval <= TimeSpan.Zero)
        {
            errors.Add("The reconcile interval must be positive.");
        }

        if (RevocationRetention <= TimeSpan.Zero)
        {
            errors.Add("The revocation retention must be positive.");
        }
        else if (ReconcileInterval > TimeSpan.Zero && RevocationRetention < ReconcileLookback(ReconcileInterval))
        {
            // A reconcile reads this far back; a shorter log would be trimmed of revocations it still has to deliver.
            errors.Add($"The revocation retention must be at least two reconcile intervals plus a minute ({ReconcileLookback(ReconcileInterval)} here).");
        }

        if (TombstoneRetention < TimeSpan.FromSeconds(1))
        {
            errors.Add("The tombstone retention must be at least a second.");
        }

        if (MaxTombstones < 1)
        {
            errors.Add("The tombstone bound must be positive.");
        }

        if (ReplicaAcknowledgements < 0)
        {
            errors.Add("The replica acknowledgement count must be 0 (do not wait) or more.");
        }

        if (ReplicaAcknowledgementTimeout < TimeSpan.FromMilliseconds(1) || ReplicaAcknowledgementTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("The replica acknowledgement timeout must be between 1 millisecond and 1 minute.");
        }

        if (Database < -1)
        {
            errors.Add("The database number must be -1 (default) or a database index.");
        }

        return errors;
    }
}
