using System.Collections.Concurrent;

namespace JwtSessions.Sessions;

/// <summary>
/// The embedded default store: sessions in process memory, for a single server. Thread-safe, bounded by
/// <see cref="InMemorySessionStoreOptions.MaxSessions"/>, and swept of sessions past their deadlines.
/// </summary>
/// <remarks>
/// Rotation is a compare-and-swap on an immutable <see cref="SessionRecord"/>, so concurrent refreshes of one token advance
/// the generation exactly once. A revoked session is kept (as a tombstone) until its deadline so that a replayed refresh
/// token is reported as revoked, then swept. docs/sessions.md gives the measured memory per session.
/// </remarks>
/// <threadsafety>All members are safe to call from any number of threads at once.</threadsafety>
public sealed class InMemorySessionStore : ISessionStore, IDisposable
{
    private readonly ConcurrentDictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _bySubject = new(StringComparer.Ordinal);
    private readonly Lock _subscribersLock = new();
    private readonly TimeProvider _time;
    private readonly int _maxSessions;
    private readonly ITimer _sweeper;
    private Subscription[] _subscribers = [];

    // The capacity check does not read _sessions.Count, which takes every one of the dictionary's locks (1,024 once it has
    // grown): at 100,000 sessions each sign-in would cost tens of microseconds and stall concurrent rotations. A sign-in
    // reserves its slot here before it adds (and gives it back if it fails), so concurrent sign-ins never pass the cap
    // together; the count may briefly run ahead of the dictionary by the sign-ins in flight.
    private int _reservedCount;

    /// <summary>Initializes a new instance of the <see cref="InMemorySessionStore"/> class.</summary>
    /// <param name="options">The bounds; defaults when null.</param>
    /// <exception cref="ArgumentException">The capacity or sweep interval is not positive.</exception>
    public InMemorySessionStore(InMemorySessionStoreOptions? options = null)
    {
        options ??= new InMemorySessionStoreOptions();
        if (options.MaxSessions < 1 || options.SweepInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("The capacity and the sweep interval must be positive.", nameof(options));
        }

        _maxSessions = options.MaxSessions;
        _time = options.TimeProvider ?? TimeProvider.System;
        _sweeper = _time.CreateTimer(static state => ((InMemorySessionStore)state!).Sweep(), this, options.SweepInterval, options.SweepInterval);
    }

    /// <summary>Gets the number of sessions held, revoked ones awaiting their deadline included.</summary>
    public int Count => _sessions.Count;

    /// <inheritdoc />
    public ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        cancellationToken.ThrowIfCancellationRequested();
        if (!TryReserveSlot())
        {
            // Full: sweep, then try again whatever this sweep removed, since a concurrent one (the timer's, another sign-in's)
            // may have freed the room first.
            Sweep();
            if (!TryReserveSlot())
            {
                throw new SessionStoreUnavailableException($"The in-memory session store is full ({_maxSessions} sessions).");
            }
        }

        if (!_sessions.TryAdd(session.SessionId, session))
        {
            Interlocked.Decrement(ref _reservedCount);
            throw new InvalidOperationException("A session with this id already exists.");
        }

        // Sweep may unindex a subject's set the moment it empties, and a session added to a set that was just unindexed
        // would be missing from ListAsync, hence from "log out everywhere" and the per-subject cap. Add only under the
        // set's lock while it is still the indexed one (Sweep unindexes only under the same lock), else retry with a fresh set.
        while (true)
        {
            var ids = _bySubject.GetOrAdd(session.Subject, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
            lock (ids)
            {
                if (_bySubject.TryGetValue(session.Subject, out var indexed) && ReferenceEquals(indexed, ids))
                {
                    ids.TryAdd(session.SessionId, 0);
                    return ValueTask.CompletedTask;
                }
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_sessions.GetValueOrDefault(sessionId));
    }

    /// <inheritdoc />
    public ValueTask<RotationOutcome> TryRotateAsync(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            if (!_sessions.TryGetValue(sessionId, out var current))
            {
                return ValueTask.FromResult(new RotationOutcome(RotationStatus.NotFound, null));
            }

            var status = SessionRules.Classify(current, expectedGeneration, now);
            if (status != RotationStatus.Rotated)
            {
                return ValueTask.FromResult(new RotationOutcome(status, current));
            }

            var next = SessionRules.Advance(current, now, idleTimeout);
            if (_sessions.TryUpdate(sessionId, next, current))
            {
                return ValueTask.FromResult(new RotationOutcome(RotationStatus.Rotated, next));
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<SessionRecord?> RevokeAsync(
        string sessionId,
        DateTimeOffset revokedAt,
        SessionEndReason reason,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            if (!_sessions.TryGetValue(sessionId, out var current))
            {
                return ValueTask.FromResult<SessionRecord?>(null);
            }

            if (current.RevokedAt is not null)
            {
                return ValueTask.FromResult<SessionRecord?>(current);
            }

            var revoked = current with { RevokedAt = revokedAt, RevocationReason = reason };
            if (_sessions.TryUpdate(sessionId, revoked, current))
            {
                Publish(new SessionRevocation(sessionId, current.Subject, revokedAt, reason));
                return ValueTask.FromResult<SessionRecord?>(revoked);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListAsync(string subject, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_bySubject.TryGetValue(subject, out var ids))
        {
            return ValueTask.FromResult<IReadOnlyList<SessionRecord>>([]);
        }

        var active = new List<SessionRecord>();
        foreach (var id in ids.Keys)
        {
            if (_sessions.TryGetValue(id, out var session) && session.IsActiveAt(now))
            {
                active.Add(session);
            }
        }

        active.Sort(static (a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        return ValueTask.FromResult<IReadOnlyList<SessionRecord>>(active);
    }

    /// <inheritdoc />
    public IDisposable SubscribeToRevocations(Action<SessionRevocation> onRevoked, Action<bool>? onAvailabilityChanged = null)
    {
        ArgumentNullException.ThrowIfNull(onRevoked);
        var subscription = new Subscription(this, onRevoked);
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        // An in-process store cannot miss a revocation: the feed is always available.
        onAvailabilityChanged?.Invoke(true);
        return subscription;
    }

    private bool TryReserveSlot()
    {
        if (Interlocked.Increment(ref _reservedCount) <= _maxSessions)
        {
            return true;
        }

        Interlocked.Decrement(ref _reservedCount);
        return false;
    }

    /// <summary>Removes sessions past their deadlines (revoked ones included) and empty subject entries.</summary>
    /// <returns>The number of sessions removed.</returns>
    public int Sweep()
    {
        var now = _time.GetUtcNow();
        var removed = 0;
        foreach (var (id, session) in _sessions)
        {
            if (now >= session.ExpiresAt && _sessions.TryRemove(new KeyValuePair<string, SessionRecord>(id, session)))
            {
                removed++;
                Interlocked.Decrement(ref _reservedCount);
                if (_bySubject.TryGetValue(session.Subject, out var ids))
                {
                    // Under the set's lock, so no CreateAsync adds to it between the emptiness check and the unindexing.
                    lock (ids)
                    {
                        ids.TryRemove(id, out _);
                        if (ids.IsEmpty)
                        {
                            _bySubject.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, byte>>(session.Subject, ids));
                        }
                    }
                }
            }
        }

        return removed;
    }

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private void Publish(SessionRevocation revocation)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.OnRevoked(revocation);
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, subscription))];
        }
    }

    private sealed class Subscription(InMemorySessionStore store, Action<SessionRevocation> onRevoked) : IDisposable
    {
        public Action<SessionRevocation> OnRevoked { get; } = onRevoked;

        public void Dispose() => store.Unsubscribe(this);
    }
}
