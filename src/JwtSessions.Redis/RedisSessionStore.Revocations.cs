using JwtSessions.Redis.Internal;
using JwtSessions.Sessions;
using StackExchange.Redis;

namespace JwtSessions.Redis;

/// <summary>The revocation feed: pub/sub push, periodic reconcile against the revocation log, and availability tracking.</summary>
public sealed partial class RedisSessionStore
{
    private readonly Lock _feedLock = new();
    private readonly Dictionary<string, SessionRevocation> _known = new(StringComparer.Ordinal);
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private Subscription[] _subscribers = [];
    private ITimer? _reconcileTimer;
    private ITimer? _followUpTimer;
    private bool _feedStarted;
    private bool _available;
    private volatile bool _channelSubscribed;
    private volatile bool _disposed;
    private int _failureEpoch;
    private volatile bool _needsFullReconcile = true;
    private readonly long[] _cursorsMs = NewCursors();
    private int _reconcileRequested;
    private int _reconcileRunning;

    /// <summary>
    /// Gets a value indicating whether the revocation feed is live: subscribed, connected, and caught up with the revocation log
    /// since the last disconnect. While it is <see langword="false"/>, revocations made elsewhere may not have been seen yet.
    /// </summary>
    public bool IsRevocationFeedAvailable
    {
        get
        {
            lock (_feedLock)
            {
                return _available;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// The first subscription starts the feed: the store subscribes to the revocation channel, reads the revocation log (the
    /// last <see cref="RedisSessionStoreOptions.RevocationRetention"/>), and from then on reconciles every
    /// <see cref="RedisSessionStoreOptions.ReconcileInterval"/>. A later subscriber first receives every revocation already known.
    /// </para>
    /// <para>
    /// <paramref name="onAvailabilityChanged"/> is called at once with the current state, with <see langword="false"/> when
    /// the connection fails (or a reconcile does), and with <see langword="true"/> after the next successful reconcile. A
    /// revocation is therefore seen within the pub/sub latency, or, when its message was lost, within one reconcile interval
    /// of the reconnection; docs/redis.md gives the measured figures.
    /// </para>
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    public IDisposable SubscribeToRevocations(Action<SessionRevocation> onRevoked, Action<bool>? onAvailabilityChanged = null)
    {
        ArgumentNullException.ThrowIfNull(onRevoked);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var subscription = new Subscription(this, onRevoked, onAvailabilityChanged);
        bool start;
        lock (_feedLock)
        {
            _subscribers = [.. _subscribers, subscription];
            foreach (var revocation in _known.Values)
            {
                subscription.Revoked(revocation);
            }

            subscription.AvailabilityChanged(_available);
            start = !_feedStarted;
            if (start)
            {
                _feedStarted = true;
                _reconcileTimer = _time.CreateTimer(static state => ((RedisSessionStore)state!).RequestReconcile(), this, _reconcileInterval, _reconcileInterval);
                _followUpTimer = _time.CreateTimer(static state => ((RedisSessionStore)state!).RequestReconcile(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        if (start)
        {
            RequestReconcile();
        }

        return subscription;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        // Either connection: the subscription may drop messages, and the interactive one cannot reconcile.
        MarkUnavailable();
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // Possibly another server process now: check it again before the next script.
        Volatile.Write(ref _serverCheck, null);

        ITimer? followUp;
        lock (_feedLock)
        {
            followUp = _feedStarted && !_disposed ? _followUpTimer : null;
        }

        if (followUp is not null)
        {
            // The catch-up below can read the log before the subscription is re-established, and a revocation published in
            // between is then lost (docs/redis.md). A second read shortly after finds it in the log, instead of the next
            // periodic reconcile, up to ReconcileInterval later. Armed first, so it is set once the feed reports itself live.
            try
            {
                followUp.Change(FollowUpDelay, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: the store is shutting down.
                return;
            }

            RequestReconcile();
        }
    }

    /// <summary>How long after a reconnection the store reads the revocation log a second time: a second, or the interval if shorter.</summary>
    internal TimeSpan FollowUpDelay => _reconcileInterval < TimeSpan.FromSeconds(1) ? _reconcileInterval : TimeSpan.FromSeconds(1);

    private void MarkUnavailable()
    {
        // Both under the lock a reconcile clears the flag under (after checking the epoch), so it cannot clear the flag between
        // the two writes; and the flag first, since a reconcile reads the epoch and then the flag without the lock: one that
        // sees the new epoch (and may report the feed available) also sees that it must read the whole retained log.
        lock (_feedLock)
        {
            _needsFullReconcile = true;
            Interlocked.Increment(ref _failureEpoch);
        }

        SetAvailable(false);
    }

    /// <summary>Coalesces reconcile requests (timer, restored events) into one sequential runner; none is lost.</summary>
    private void RequestReconcile()
    {
        if (_disposed)
        {
            return;
        }

        Interlocked.Exchange(ref _reconcileRequested, 1);
        if (Interlocked.CompareExchange(ref _reconcileRunning, 1, 0) == 0)
        {
            _ = Task.Run(RunReconcilesAsync);
        }
    }

    private async Task RunReconcilesAsync()
    {
        while (true)
        {
            while (Interlocked.Exchange(ref _reconcileRequested, 0) == 1 && !_disposed)
            {
                try
                {
                    await ReconcileOnceAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // A background loop with no caller: any failure means "not caught up", never a crash.
                catch (Exception)
#pragma warning restore CA1031
                {
                    MarkUnavailable();
                }
            }

            Volatile.Write(ref _reconcileRunning, 0);
            if (Volatile.Read(ref _reconcileRequested) == 0 || _disposed || Interlocked.CompareExchange(ref _reconcileRunning, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task ReconcileOnceAsync()
    {
        var epoch = Volatile.Read(ref _failureEpoch);
        var full = _needsFullReconcile;
        try
        {
            var subscriber = _connection.GetSubscriber();
            if (!_channelSubscribed)
            {
                await subscriber.SubscribeAsync(_keys.RevocationChannel, _onMessage).ConfigureAwait(false);
                _channelSubscribed = true;
            }

            // Subscribed before reading: anything revoked after the read below arrives by pub/sub, anything before is in the log.
            if (!subscriber.IsConnected(_keys.RevocationChannel))
            {
                MarkUnavailable();
                return;
            }

            // The log is scored and trimmed on the Redis server's clock (each shard on its primary's): a full read takes all of
            // it (it holds the retention), a periodic one from shortly before the highest score seen in that shard.
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var retentionMs = (long)_retention.TotalMilliseconds;
            var lookbackMs = (long)RedisSessionStoreOptions.ReconcileLookback(_reconcileInterval).TotalMilliseconds;
            var reads = new Task<SortedSetEntry[]>[RedisKeys.RevocationShards];
            for (var shard = 0; shard < reads.Length; shard++)
            {
                var seen = Interlocked.Read(ref _cursorsMs[shard]);
                var fromMs = full || seen == long.MinValue ? double.NegativeInfinity : seen - lookbackMs;
                reads[shard] = _database.SortedSetRangeByScoreWithScoresAsync(_keys.RevocationLog(shard), fromMs, double.PositiveInfinity);
            }

            await Task.WhenAll(reads).ConfigureAwait(false);
            for (var shard = 0; shard < reads.Length; shard++)
            {
                var cursor = Interlocked.Read(ref _cursorsMs[shard]);
                foreach (var entry in reads[shard].Result)
                {
                    if (RevocationEvent.TryParse((string?)entry.Element, out var revocation))
                    {
                        Deliver(revocation);
                    }

                    cursor = Math.Max(cursor, (long)entry.Score);
                }

                Interlocked.Exchange(ref _cursorsMs[shard], Math.Max(cursor, Interlocked.Read(ref _cursorsMs[shard])));
            }

            lock (_feedLock)
            {
                ForgetOlderThan(nowMs - retentionMs);
                if (epoch == Volatile.Read(ref _failureEpoch))
                {
                    if (full)
                    {
                        _needsFullReconcile = false;
                    }

                    SetAvailable(true);
                }
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            MarkUnavailable();
        }
        catch (ObjectDisposedException)
        {
            // The connection was disposed under us (shutdown): nothing more to do.
        }
    }

    private static long[] NewCursors()
    {
        var cursors = new long[RedisKeys.RevocationShards];
        Array.Fill(cursors, long.MinValue);
        return cursors;
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        if (RevocationEvent.TryParse((string?)message, out var revocation))
        {
            Deliver(revocation);
        }
    }

    /// <summary>Passes a revocation to every subscriber once, whichever way (pub/sub, reconcile, local revoke) it came first.</summary>
    private void Deliver(SessionRevocation revocation)
    {
        lock (_feedLock)
        {
            // Before the feed starts there is no subscriber, and nothing would ever forget the entry.
            if (!_feedStarted || !_known.TryAdd(revocation.SessionId, revocation))
            {
                return;
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.Revoked(revocation);
            }
        }
    }

    private void ForgetOlderThan(long cutoffMs)
    {
        List<string>? old = null;
        foreach (var (id, revocation) in _known)
        {
            if (revocation.RevokedAt.ToUnixTimeMilliseconds() < cutoffMs)
            {
                (old ??= []).Add(id);
            }
        }

        if (old is not null)
        {
            foreach (var id in old)
            {
                _known.Remove(id);
            }
        }
    }

    private void SetAvailable(bool available)
    {
        lock (_feedLock)
        {
            if (_available == available)
            {
                return;
            }

            _available = available;
            foreach (var subscriber in _subscribers)
            {
                subscriber.AvailabilityChanged(available);
            }
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_feedLock)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscription))];
        }
    }

    /// <summary>Stops the feed; returns false when already stopped.</summary>
    private bool StopFeed()
    {
        lock (_feedLock)
        {
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            _subscribers = [];
            _reconcileTimer?.Dispose();
            _followUpTimer?.Dispose();
        }

        _connection.ConnectionFailed -= OnConnectionFailed;
        _connection.ConnectionRestored -= OnConnectionRestored;
        if (_channelSubscribed)
        {
            try
            {
                _connection.GetSubscriber().Unsubscribe(_keys.RevocationChannel, _onMessage, CommandFlags.FireAndForget);
            }
            catch (Exception ex) when (IsUnavailable(ex) || ex is ObjectDisposedException)
            {
                // Disconnected or already closed: the server drops the subscription with the connection.
            }
        }

        return true;
    }

    /// <summary>One subscriber's callbacks; a throwing callback never stops the feed for the others.</summary>
    private sealed class Subscription(RedisSessionStore store, Action<SessionRevocation> onRevoked, Action<bool>? onAvailabilityChanged) : IDisposable
    {
        public void Revoked(SessionRevocation revocation)
        {
            try
            {
                onRevoked(revocation);
            }
#pragma warning disable CA1031 // The contract says callbacks must not throw; one that does must not take the feed down for every subscriber.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        public void AvailabilityChanged(bool available)
        {
            try
            {
                onAvailabilityChanged?.Invoke(available);
            }
#pragma warning disable CA1031 // As above.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        public void Dispose() => store.Unsubscribe(this);
    }
}
