using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using JwtSessions.Redis.Internal;
using JwtSessions.Sessions;
using StackExchange.Redis;

namespace JwtSessions.Redis;

/// <summary>
/// A session store in Redis or Redis Cluster, shared by any number of servers: rotation is one atomic Lua script applying
/// <see cref="SessionRules"/>, every key expires with its session's deadlines, and revocations are pushed to every server's
/// validators by pub/sub, with a periodic reconcile against a revocation log for messages missed while disconnected.
/// </summary>
/// <remarks>
/// <para>
/// Data layout (every key under <see cref="RedisSessionStoreOptions.KeyPrefix"/>): a hash per session (<c>s:{&lt;id&gt;}</c>),
/// a sorted set per subject (<c>u:{&lt;subject&gt;}</c>, score = creation time) for listing and the per-subject cap without
/// scanning the keyspace, the recent revocations in 16 sorted sets (<c>revocations:{n}</c>), and one of the revoked hashes kept as
/// tombstones (<c>tombstones</c>), bounded by <see cref="RedisSessionStoreOptions.MaxTombstones"/>. docs/redis.md describes
/// every field, TTL, bound and failure mode. The braces are hash tags: on a cluster, sessions spread over every primary, and
/// every script touches the keys of one slot.
/// </para>
/// <para>
/// Failures fail closed: a Redis connection error, timeout or server error throws <see cref="SessionStoreUnavailableException"/>
/// (which every <see cref="SessionManager"/> method passes on: nothing is issued), and the revocation feed reports
/// itself unavailable until it has caught up again. The connection recovers by itself once Redis is back.
/// </para>
/// <para>
/// Cancellation is observed before a command is sent; a command already sent completes or times out (StackExchange.Redis'
/// <c>asyncTimeout</c>).
/// </para>
/// </remarks>
/// <threadsafety>All members are safe to call from any number of threads and processes at once. Share one instance per process.</threadsafety>
public sealed partial class RedisSessionStore : ISessionStore, IDisposable, IAsyncDisposable
{
    /// <summary>The shortest TTL the store sets, so that a record already past its deadline is still readable briefly, like the in-memory store's sweep delay.</summary>
    internal const long TtlFloorMilliseconds = 1000;

    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _database;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly TimeSpan _reconcileInterval;
    private readonly TimeSpan _retention;
    private readonly TimeSpan _tombstoneRetention;
    private readonly int _maxTombstones;
    private readonly int _replicaAcknowledgements;
    private readonly long _replicaTimeoutMilliseconds;
    private Task? _serverCheck;

    /// <summary>Initializes a new instance of the <see cref="RedisSessionStore"/> class on an existing connection, which it does not own.</summary>
    /// <param name="connection">The connection; configure it with <c>abortConnect=false</c> so it recovers from outages by itself.</param>
    /// <param name="options">The configuration; defaults when null. <see cref="RedisSessionStoreOptions.Configuration"/> is ignored.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (empty prefix, non-positive interval or retention); the message says which.</exception>
    public RedisSessionStore(IConnectionMultiplexer connection, RedisSessionStoreOptions? options = null)
        : this(connection, options ?? new RedisSessionStoreOptions(), timeProvider: null, ownsConnection: false)
    {
    }

    internal RedisSessionStore(IConnectionMultiplexer connection, RedisSessionStoreOptions options, TimeProvider? timeProvider, bool ownsConnection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _connection = connection;
        _ownsConnection = ownsConnection;
        _database = connection.GetDatabase(options.Database);
        _keys = new RedisKeys(options.KeyPrefix);
        _time = options.TimeProvider ?? timeProvider ?? TimeProvider.System;
        _reconcileInterval = options.ReconcileInterval;
        _retention = options.RevocationRetention;
        _tombstoneRetention = options.TombstoneRetention;
        _maxTombstones = options.MaxTombstones;
        _replicaAcknowledgements = options.ReplicaAcknowledgements;
        _replicaTimeoutMilliseconds = (long)Math.Ceiling(options.ReplicaAcknowledgementTimeout.TotalMilliseconds);
        _onMessage = OnMessage;
        _connection.ConnectionFailed += OnConnectionFailed;
        _connection.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Gets the key prefix in use.</summary>
    public string KeyPrefix => _keys.Prefix;

    /// <summary>Gets the store's connection, which <c>AddRedisDpopReplayCache</c> shares.</summary>
    internal IConnectionMultiplexer Connection => _connection;

    /// <summary>Connects to Redis with <see cref="RedisSessionStoreOptions.Configuration"/> and builds a store that owns the connection.</summary>
    /// <param name="options">The configuration, including the connection string.</param>
    /// <returns>The store; it returns even while Redis is down (<c>abortConnect=false</c>) and connects when Redis comes up.</returns>
    /// <exception cref="ArgumentException">The connection string is missing or malformed, or another option is invalid.</exception>
    public static RedisSessionStore Connect(RedisSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Connect(options, timeProvider: null);
    }

    /// <summary>Connects to Redis and builds a store that owns the connection.</summary>
    /// <param name="configuration">The StackExchange.Redis configuration string, for example <c>127.0.0.1:6379</c>.</param>
    /// <param name="options">The other options; defaults when null.</param>
    /// <returns>The store; it returns even while Redis is down (<c>abortConnect=false</c>) and connects when Redis comes up.</returns>
    /// <exception cref="ArgumentException">The connection string is missing or malformed, or an option is invalid.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their first parameter, so no call is ambiguous.")]
    public static async Task<RedisSessionStore> ConnectAsync(string configuration, RedisSessionStoreOptions? options = null)
        => await ConnectAsync(ParseConfiguration(configuration), options).ConfigureAwait(false);

    /// <summary>Connects to Redis and builds a store that owns the connection.</summary>
    /// <param name="configuration">The StackExchange.Redis configuration; copied, with <c>AbortOnConnectFail</c> forced off.</param>
    /// <param name="options">The other options; defaults when null. <see cref="RedisSessionStoreOptions.Configuration"/> is ignored.</param>
    /// <returns>The store; it returns even while Redis is down and connects when Redis comes up.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their first parameter, so no call is ambiguous.")]
    public static async Task<RedisSessionStore> ConnectAsync(ConfigurationOptions configuration, RedisSessionStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new RedisSessionStoreOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var copy = configuration.Clone();
        copy.AbortOnConnectFail = false;
        var store = Own(await ConnectionMultiplexer.ConnectAsync(copy).ConfigureAwait(false), options, timeProvider: null);
        if (store._connection.IsConnected)
        {
            // Up now: refuse a server that cannot hold the store at start-up rather than at the first sign-in.
            try
            {
                await store.EnsureServerCheckedAsync().ConfigureAwait(false);
            }
            catch (SessionStoreUnavailableException ex) when (ex.InnerException is NotSupportedException unsupported)
            {
                await store.DisposeAsync().ConfigureAwait(false);
                throw new NotSupportedException(unsupported.Message, ex);
            }
            catch (SessionStoreUnavailableException)
            {
                // Went down meanwhile: the check runs again before the first script.
            }
        }

        return store;
    }

    /// <inheritdoc />
    /// <exception cref="SessionStoreUnavailableException">Redis could not be reached or answered with an error.</exception>
    public async ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
        => await CreateCoreAsync(session, int.MaxValue, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>
    /// Ordered one-slot steps (docs/redis.md, "Key layout by slot"): the session's hash is stored pending, then indexed under
    /// its subject, which names the subject's oldest sessions over the cap; those are revoked, and only then is the new session
    /// made usable. Concurrent sign-ins on any number of servers never leave more than the cap usable. A session past its
    /// deadline counts until its hash expires (at its deadline, floored at a second, on Redis's clock).
    /// </remarks>
    /// <exception cref="SessionStoreUnavailableException">Redis could not be reached or answered with an error; the sign-in may not have happened, and some of its revocations may have (never the sign-in without them).</exception>
    public async ValueTask<IReadOnlyList<SessionRevocation>> CreateWithCapAsync(
        SessionRecord session,
        int maxSessionsPerSubject,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessionsPerSubject, 1);
        return await CreateCoreAsync(session, maxSessionsPerSubject, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="SessionStoreUnavailableException">Redis could not be reached or answered with an error.</exception>
    public async ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        cancellationToken.ThrowIfCancellationRequested();
        var entries = await Guard(_database.HashGetAllAsync(_keys.Session(sessionId))).ConfigureAwait(false);
        return SessionHash.Decode(sessionId, entries);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One Lua script reads the record, applies <see cref="SessionRules.Classify"/> and, when it says so,
    /// <see cref="SessionRules.Advance"/>, then resets the key's TTL to the new deadline; concurrent rotations of one generation,
    /// from any number of servers, advance it exactly once.
    /// </remarks>
    /// <exception cref="SessionStoreUnavailableException">Redis could not be reached or answered with an error; the rotation may or may not have happened.</exception>
    public ValueTask<RotationOutcome> TryRotateAsync(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        CancellationToken cancellationToken = default)
        => RotateAsync(sessionId, expectedGeneration, now, idleTimeout, [], cancellationToken);

    /// <inheritdoc />
    /// <remarks>The same script as <see cref="TryRotateAsync"/>, which writes the metadata's field in the step that advances.</remarks>
    /// <exception cref="SessionStoreUnavailableException">Redis could not be reached or answered with an error; the rotation may or may not have happened.</exception>
    public ValueTask<RotationOutcome> TryRotateAndRecordAsync(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        SessionMetadata metadata,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return RotateAsync(sessionId, expectedGeneration, now, idleTimeout, [SessionHash.EncodeMetadata(metadata) ?? string.Empty], cancellationToken);
    }

    private async ValueTask<RotationOutcome> RotateAsync(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        RedisValue[] metadata,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        RedisValue[] args =
        [
            expectedGeneration.ToString(CultureInfo.InvariantCulture),
            Instant.Encode(now),
            Instant.Encode(Instant.AddSaturated(now, idleTimeout)),
            TtlFloorMilliseconds,
            .. metadata,
        ];
        var key = _keys.Session(sessionId);
        var result = (RedisResult[])(await EvaluateAsync(RedisScripts.Rotate, [key], args, cancellationToken).ConfigureAwait(false))!;
        var status = (RotationStatus)(int)result[0];
        if (status == RotationStatus.Rotated)
        {
            await ReplicateAsync(key).ConfigureAwait(false);
        }

        var session = result.Length > 1 ? SessionHash.Decode(sessionId, result[1]) : null;
        return new RotationOutcome(session is null ? RotationStatus.NotFound : status, session);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Ordered one-slot steps mark the session revoked, record the revocation in the revocation log and publish it, and remove
    /// it from its subject's index (revoking it again repeats the last two, completing a revocation that stopped); the session's hash is kept (as a tombstone, without its metadata, scope and client id) until the
    /// earlier of its deadline and <see cref="RedisSessionStoreOptions.TombstoneRetention"/>, and only among the newest
    /// <see cref="RedisSessionStoreOptions.MaxTombstones"/>, so that a replayed refresh token is reported as revoked.
    /// </remarks>
    /// <exception cref="SessionStoreUnavailableException">Redis could not be reached or answered with an error; the revocation may or may not have happened.</exception>
    public async ValueTask<SessionRecord?> RevokeAsync(
        string sessionId,
        DateTimeOffset revokedAt,
        SessionEndReason reason,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sessionId);
        var (session, _) = await RevokeStepsAsync(sessionId, revokedAt, reason, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads the subject's index (one sorted set, oldest first) and the listed hashes in one pipeline; index entries whose session
    /// is gone are removed, and those revoked have their revocation completed (logged, published, unindexed). A session whose
    /// sign-in is in progress is left out. A session past a deadline at <paramref name="now"/> is left out but stays indexed until its
    /// hash expires: another server's rotation, with a "now" read just before the deadline, may still land and make it live,
    /// and a live session must stay listed. Never scans the keyspace.
    /// </remarks>
    /// <exception cref="SessionStoreUnavailableException">Redis could not be reached or answered with an error.</exception>
    public async ValueTask<IReadOnlyList<SessionRecord>> ListAsync(string subject, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subject);
        cancellationToken.ThrowIfCancellationRequested();
        var index = _keys.Subject(subject);
        var ids = await Guard(_database.SortedSetRangeByRankAsync(index)).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var reads = new Task<HashEntry[]>[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            reads[i] = _database.HashGetAllAsync(_keys.Session((string)ids[i]!));
        }

        await Guard(Task.WhenAll(reads)).ConfigureAwait(false);
        var active = new List<SessionRecord>(ids.Length);
        var stale = new List<RedisValue>();
        var revoked = new List<Task<(SessionRecord?, SessionRevocation?)>>();
        for (var i = 0; i < ids.Length; i++)
        {
            var id = (string)ids[i]!;
            var entries = reads[i].Result;
            var session = SessionHash.Decode(id, entries);
            if (entries.Length == 0)
            {
                stale.Add(ids[i]);
            }
            else if (session?.RevokedAt is not null)
            {
                // Still indexed: its revoker has not finished (or stopped). Completing the revocation logs it, publishes it
                // and unindexes it; every step is idempotent.
                revoked.Add(RevokeStepsAsync(id, now, SessionEndReason.Administrative, _time.GetUtcNow(), cancellationToken));
            }
            else if (session is not null && session.IsActiveAt(now))
            {
                active.Add(session);
            }

            // Otherwise pending (a sign-in in progress, or one that stopped: its hash expires, then its entry is pruned) or
            // past a deadline: left out, kept indexed.
        }

        if (stale.Count > 0)
        {
            // A missing hash never comes back: ids are never reused, and a sign-in stores its hash before its index entry.
            await Guard(_database.SortedSetRemoveAsync(index, [.. stale])).ConfigureAwait(false);
        }

        await Task.WhenAll(revoked).ConfigureAwait(false);

        // The index orders by creation millisecond; the record's full-precision time breaks ties.
        return [.. active.OrderBy(static s => s.CreatedAt)];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (StopFeed() && _ownsConnection)
        {
            _connection.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (StopFeed() && _ownsConnection)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static RedisSessionStore Own(ConnectionMultiplexer connection, RedisSessionStoreOptions options, TimeProvider? timeProvider)
    {
        try
        {
            return new RedisSessionStore(connection, options, timeProvider, ownsConnection: true);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    internal static ConfigurationOptions ParseConfiguration(string? configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new ArgumentException("A Redis connection string is required.", nameof(configuration));
        }

        var options = ConfigurationOptions.Parse(configuration);

        // Start while Redis is down and keep reconnecting: refreshes fail closed meanwhile, and resume without a restart.
        options.AbortOnConnectFail = false;
        return options;
    }

    internal static RedisSessionStore Connect(RedisSessionStoreOptions options, TimeProvider? timeProvider)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return Own(ConnectionMultiplexer.Connect(ParseConfiguration(options.Configuration)), options, timeProvider);
    }

    private async Task<RedisResult> EvaluateAsync(LuaScript script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureServerCheckedAsync().ConfigureAwait(false);

        // The script text goes through the client's script cache: EVALSHA normally, EVAL once after NOSCRIPT.
        return await Guard(_database.ScriptEvaluateAsync(script.ExecutableScript, keys, args)).ConfigureAwait(false);
    }

    /// <summary>
    /// With <see cref="RedisSessionStoreOptions.ReplicaAcknowledgements"/> set, waits (<c>WAIT</c>) until that many replicas of
    /// the primary owning <paramref name="key"/> hold every write this connection has sent it, the caller's last one included:
    /// the client sends every command for a primary over one connection, in order, and <c>WAIT</c> covers all of them.
    /// Fewer within the timeout throws, since the write could be lost in a failover.
    /// </summary>
    private async Task ReplicateAsync(RedisKey key)
    {
        if (_replicaAcknowledgements == 0)
        {
            return;
        }

        var primary = _connection.GetServer(key);
        long acknowledged;
        try
        {
            acknowledged = (long)await Guard(primary.ExecuteAsync("WAIT", _replicaAcknowledgements, _replicaTimeoutMilliseconds)).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException ex) when (ex.InnerException is RedisServerException refused)
        {
            // A server without WAIT (Garnet, a proxy) cannot give the guarantee asked for: say so rather than a bare error.
            throw new SessionStoreUnavailableException("The Redis server refused WAIT, which ReplicaAcknowledgements needs: " + refused.Message, refused);
        }

        if (acknowledged < _replicaAcknowledgements)
        {
            throw new SessionStoreUnavailableException(
                $"The Redis session store's write reached {acknowledged} of the {_replicaAcknowledgements} replicas it requires within "
                + $"{_replicaTimeoutMilliseconds} ms; it happened on the primary but could be lost in a failover, so it is not acknowledged.");
        }
    }

    /// <summary>
    /// Checks, once per connection, that the server runs scripts atomically (<see cref="ScriptIsolationCheck"/>). A server
    /// that does not fails every script with <see cref="SessionStoreUnavailableException"/> whose inner exception is a
    /// <see cref="NotSupportedException"/> saying why; a check cut short by an outage runs again on the next call.
    /// </summary>
    private Task EnsureServerCheckedAsync()
    {
        var check = Volatile.Read(ref _serverCheck);
        if (check is null || (check.IsFaulted && !IsRefusal(check)))
        {
            // Published before it starts, so concurrent first calls share one check (on Garnet, one probe) instead of each
            // running their own; only the thread that published it starts it.
            var starter = new Task<Task>(CheckServerAsync);
            var fresh = starter.Unwrap();
            var published = Interlocked.CompareExchange(ref _serverCheck, fresh, check);
            if (published != check)
            {
                return published ?? EnsureServerCheckedAsync();
            }

            starter.Start(TaskScheduler.Default);
            return fresh;
        }

        return check;
    }

    private static bool IsRefusal(Task check)
        => check.Exception?.InnerException is SessionStoreUnavailableException { InnerException: NotSupportedException };

    private async Task CheckServerAsync()
    {
        string? problem;
        try
        {
            problem = await ScriptIsolationCheck.FindProblemAsync(_connection, _database, _keys.Prefix).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new SessionStoreUnavailableException("The Redis session store is unavailable: " + ex.GetType().Name + ".", ex);
        }

        if (problem is not null)
        {
            throw new SessionStoreUnavailableException(problem, new NotSupportedException(problem));
        }
    }

    private static async Task<T> Guard<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new SessionStoreUnavailableException("The Redis session store is unavailable: " + ex.GetType().Name + ".", ex);
        }
    }

    private static async Task Guard(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw new SessionStoreUnavailableException("The Redis session store is unavailable: " + ex.GetType().Name + ".", ex);
        }
    }

    /// <summary>Connection failures, timeouts and server errors (LOADING after a restart, READONLY, OOM, …) all mean "unavailable".</summary>
    private static bool IsUnavailable(Exception exception)
        => exception is RedisConnectionException or RedisTimeoutException or RedisServerException;
}
