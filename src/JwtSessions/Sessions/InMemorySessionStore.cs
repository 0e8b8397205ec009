using System.Collections.Concurrent;

namespace JwtSessions.Sessions;

/// <summary>
/// The embedded default store: sessions in process memory, for a single server. Thread-safe, bounded by
/// <see cref="InMemorySessionStoreOptions.MaxSessions"/> live sessions and <see cref="InMemorySessionStoreOptions.MaxTombstones"/>
/// revoked ones, and swept of sessions past their deadlines.
/// </summary>
/// <remarks>
/// <para>
/// Rotation is a compare-and-swap on an immutable <see cref="SessionRecord"/>, so concurrent refreshes of one token advance
/// the generation exactly once. A revoked session leaves its subject's index and the live count at once; it is kept as a
/// tombstone without its metadata, scope and client id (so that a replayed refresh token is reported as revoked) until the
/// earlier of its deadline and <see cref="InMemorySessionStoreOptions.TombstoneRetention"/>, and at most
/// <see cref="InMemorySessionStoreOptions.MaxTombstones"/> of them are kept, the oldest dropped first.
/// </para>
/// <para>
/// Everything lives in this process: a restart loses every session and every tombstone (docs/sessions.md, "Restarts").
/// docs/sessions.md gives the measured memory per session.
/// </para>
/// </remarks>
/// <threadsafety>All members are safe to call from any number of threads at once.</threadsafety>
public sealed class InMemorySessionStore : ISessionStore, IDisposable
{
    private readonly ConcurrentDictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SubjectIndex> _bySubject = new(StringComparer.Ordinal);
    private readonly Lock _subscribersLock = new();
    private readonly Lock _tombstonesLock = new();
    private readonly Queue<Tombstone> _tombstones = new();
    private readonly TimeProvider _time;
    private readonly int _maxSessions;
    private readonly int _maxTombstones;
    private readonly TimeSpan _tombstoneRetention;
    private readonly ITimer _sweeper;
    private Subscription[] _subscribers = [];

    // The capacity check does not read _sessions.Count, which takes every one of the dictionary's locks (1,024 once it has
    // grown): at 100,000 sessions each sign-in would cost tens of microseconds and stall concurrent rotations. A sign-in
    // reserves its slot here before it adds (and gives it back if it fails), so concurrent sign-ins never pass the cap
    // together; the count may briefly run ahead of the dictionary by the sign-ins in flight. A revocation gives the slot back:
    // tombstones are bounded apart (_tombstones), so they can never lock live users out.
    private int _reservedCount;

    /// <summary>Initializes a new instance of the <see cref="InMemorySessionStore"/> class.</summary>
    /// <param name="options">The bounds; defaults when null.</param>
    /// <exception cref="ArgumentException">The capacity, the tombstone bounds or the sweep interval is not positive.</exception>
    public InMemorySessionStore(InMemorySessionStoreOptions? options = null)
    {
        options ??= new InMemorySessionStoreOptions();
        if (options.MaxSessions < 1 || options.SweepInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("The capacity and the sweep interval must be positive.", nameof(options));
        }

        if (options.MaxTombstones < 1 || options.TombstoneRetention <= TimeSpan.Zero)
        {
            throw new ArgumentException("The tombstone bounds (count and retention) must be positive.", nameof(options));
        }

        _maxSessions = options.MaxSessions;
        _maxTombstones = options.MaxTombstones;
        _tombstoneRetention = options.TombstoneRetention;
        _time = options.TimeProvider ?? TimeProvider.System;
        _sweeper = _time.CreateTimer(static state => ((InMemorySessionStore)state!).Sweep(), this, options.SweepInterval, options.SweepInterval);
    }

    /// <summary>Gets the number of sessions held, tombstones (revoked ones awaiting their drop) included.</summary>
    public int Count => _sessions.Count;

    /// <summary>Gets the number of tombstones held: revoked sessions kept so that a replay reads "revoked".</summary>
    public int TombstoneCount
    {
        get
        {
            lock (_tombstonesLock)
            {
                return _tombstones.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        cancellationToken.ThrowIfCancellationRequested();
        CreateCore(session, cap: null);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The subject's index is locked for the whole step: the cap's evictions, the add and the indexing are one step for every
    /// other sign-in, listing or revocation of that subject. The oldest indexed sessions are revoked first; one merely past its
    /// deadline still counts (and is revoked) until the next sweep drops it.
    /// </remarks>
    public ValueTask<IReadOnlyList<SessionRevocation>> CreateWithCapAsync(
        SessionRecord session,
        int maxSessionsPerSubject,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessionsPerSubject, 1);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(CreateCore(session, maxSessionsPerSubject));
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
        => TryRotateCore(sessionId, expectedGeneration, now, idleTimeout, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask<RotationOutcome> TryRotateAndRecordAsync(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        SessionMetadata metadata,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return TryRotateCore(sessionId, expectedGeneration, now, idleTimeout, metadata, cancellationToken);
    }

    private ValueTask<RotationOutcome> TryRotateCore(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        SessionMetadata? metadata,
        CancellationToken cancellationToken)
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
            next = metadata is null ? next : next with { Metadata = metadata };
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
        return ValueTask.FromResult(RevokeCore(sessionId, revokedAt, reason, unindex: true).Record);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListAsync(string subject, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_bySubject.TryGetValue(subject, out var index))
        {
            return ValueTask.FromResult<IReadOnlyList<SessionRecord>>([]);
        }

        var active = new List<SessionRecord>();
        lock (index)
        {
            foreach (var entry in index.Entries)
            {
                if (_sessions.TryGetValue(entry.Id, out var session) && session.IsActiveAt(now))
                {
                    active.Add(session);
                }
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

    /// <summary>
    /// Removes live sessions past their deadlines, tombstones past their retention or their session's deadline, and empty
    /// subject entries.
    /// </summary>
    /// <returns>The number of records removed.</returns>
    public int Sweep()
    {
        var now = _time.GetUtcNow();
        var removed = 0;
        foreach (var (id, session) in _sessions)
        {
            // Tombstones leave through their queue below, which keeps their count exact.
            if (session.RevokedAt is null && now >= session.ExpiresAt && _sessions.TryRemove(new KeyValuePair<string, SessionRecord>(id, session)))
            {
                removed++;
                Interlocked.Decrement(ref _reservedCount);
                Unindex(session);
            }
        }

        lock (_tombstonesLock)
        {
            // Queued in revocation order with a fixed retention, so the head is due first; one whose session deadline comes
            // earlier waits at most for the head, that is at most its own retention.
            while (_tombstones.TryPeek(out var head) && now >= head.DropAt)
            {
                _tombstones.Dequeue();
                removed += Drop(head);
            }
        }

        return removed;
    }

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private IReadOnlyList<SessionRevocation> CreateCore(SessionRecord session, int? cap)
    {
        var reserved = TryReserveSlot();
        if (!reserved && cap is null)
        {
            // Full: sweep, then try again whatever this sweep removed, since a concurrent one (the timer's, another sign-in's)
            // may have freed the room first.
            Sweep();
            reserved = TryReserveSlot() ? true : throw Full();
        }

        // Full with a cap: a subject at its cap frees its own slot (no sweep, which a flood would otherwise run per sign-in).
        if (TryCreateIndexed(session, cap, ref reserved, out var evicted))
        {
            return evicted;
        }

        // Full, and the subject had no session to give up: sweep once, as above, and try again.
        Sweep();
        reserved = TryReserveSlot();
        return reserved && TryCreateIndexed(session, cap, ref reserved, out evicted) ? evicted : throw Full();
    }

    /// <summary>
    /// Under the subject's lock: the cap's evictions, the add and the indexing. Returns false, with nothing changed, when no
    /// slot was reserved and no live session of the subject could hand its slot over.
    /// </summary>
    private bool TryCreateIndexed(SessionRecord session, int? cap, ref bool reserved, out IReadOnlyList<SessionRevocation> evicted)
    {
        // Sweep may unindex a subject's set the moment it empties, and a session added to a set that was just unindexed
        // would be missing from ListAsync, hence from "log out everywhere" and the per-subject cap. Add only under the set's
        // lock while it is still the indexed one (Sweep unindexes only under the same lock), else retry with a fresh set.
        while (true)
        {
            var index = _bySubject.GetOrAdd(session.Subject, static _ => new SubjectIndex());
            lock (index)
            {
                if (!_bySubject.TryGetValue(session.Subject, out var indexed) || !ReferenceEquals(indexed, index))
                {
                    continue;
                }

                if (_sessions.ContainsKey(session.SessionId))
                {
                    Release(reserved);
                    throw Duplicate();
                }

                evicted = [];
                if (cap is { } max && index.Entries.Count >= max)
                {
                    // A store full of live sessions still lets a subject at its cap sign in: the session it revokes hands its
                    // slot over to the new one (reserved turns true).
                    evicted = Evict(index, index.Entries.Count - max + 1, session.CreatedAt, ref reserved);
                }

                if (!reserved && !TryReserveSlot())
                {
                    // Nothing was revoked (only entries of sessions already gone or revoked left the index).
                    if (index.Entries.Count == 0)
                    {
                        _bySubject.TryRemove(new KeyValuePair<string, SubjectIndex>(session.Subject, index));
                    }

                    return false;
                }

                reserved = true;
                if (!_sessions.TryAdd(session.SessionId, session))
                {
                    Release(true);
                    throw Duplicate();
                }

                index.Entries.Add(new IndexEntry(session.CreatedAt, session.SessionId));
                return true;
            }
        }
    }

    private SessionStoreUnavailableException Full() => new($"The in-memory session store is full ({_maxSessions} live sessions).");

    private static InvalidOperationException Duplicate() => new("A session with this id already exists.");

    private void Release(bool reserved)
    {
        if (reserved)
        {
            Interlocked.Decrement(ref _reservedCount);
        }
    }

    /// <summary>
    /// Revokes the oldest sessions of a locked index until <paramref name="count"/> have left it. When
    /// <paramref name="reserved"/> is false, the first live session revoked keeps its slot for the caller and sets it.
    /// </summary>
    private List<SessionRevocation> Evict(SubjectIndex index, int count, DateTimeOffset revokedAt, ref bool reserved)
    {
        var evicted = new List<SessionRevocation>(count);
        while (count > 0 && index.Entries.Count > 0)
        {
            var oldest = index.Entries.Min;
            index.Entries.Remove(oldest);
            count--;

            // The entry is out already, and the index must stay the subject's indexed one even if this empties it: the
            // caller adds the new session to it next, under the same lock.
            var (revoked, byThisCall) = RevokeCore(oldest.Id, revokedAt, SessionEndReason.SessionLimit, unindex: false, releaseSlot: reserved);
            if (byThisCall)
            {
                reserved = true;
                evicted.Add(new SessionRevocation(oldest.Id, revoked!.Subject, revokedAt, SessionEndReason.SessionLimit));
            }
        }

        return evicted;
    }

    /// <returns>The revoked record (null when unknown), and whether this call revoked it.</returns>
    private (SessionRecord? Record, bool Revoked) RevokeCore(
        string sessionId,
        DateTimeOffset revokedAt,
        SessionEndReason reason,
        bool unindex,
        bool releaseSlot = true)
    {
        while (true)
        {
            if (!_sessions.TryGetValue(sessionId, out var current))
            {
                return (null, false);
            }

            if (current.RevokedAt is not null)
            {
                return (current, false);
            }

            var revoked = current with { RevokedAt = revokedAt, RevocationReason = reason };

            // The tombstone keeps what the refresh path reads (deadlines, generation, revocation), not the descriptive data.
            var tombstone = revoked with { Metadata = SessionMetadata.Empty, Scope = null, ClientId = null };
            if (_sessions.TryUpdate(sessionId, tombstone, current))
            {
                Release(releaseSlot);
                if (unindex)
                {
                    Unindex(current);
                }

                Bury(sessionId, tombstone);
                Publish(new SessionRevocation(sessionId, current.Subject, revokedAt, reason));
                return (revoked, true);
            }
        }
    }

    private void Bury(string sessionId, SessionRecord tombstone)
    {
        var retained = _time.GetUtcNow() + _tombstoneRetention;
        var dropAt = tombstone.ExpiresAt < retained ? tombstone.ExpiresAt : retained;
        lock (_tombstonesLock)
        {
            _tombstones.Enqueue(new Tombstone(sessionId, tombstone, dropAt));

            // Over the bound: the oldest tombstones go at once. A live session is never touched here.
            while (_tombstones.Count > _maxTombstones)
            {
                Drop(_tombstones.Dequeue());
            }
        }
    }

    private int Drop(Tombstone tombstone)
        => _sessions.TryRemove(new KeyValuePair<string, SessionRecord>(tombstone.SessionId, tombstone.Record)) ? 1 : 0;

    private void Unindex(SessionRecord session)
    {
        if (_bySubject.TryGetValue(session.Subject, out var index))
        {
            // Under the set's lock, so no CreateAsync adds to it between the emptiness check and the unindexing.
            lock (index)
            {
                index.Entries.Remove(new IndexEntry(session.CreatedAt, session.SessionId));
                if (index.Entries.Count == 0)
                {
                    _bySubject.TryRemove(new KeyValuePair<string, SubjectIndex>(session.Subject, index));
                }
            }
        }
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

    /// <summary>One subject's live sessions, oldest first; read and written only under a lock on the instance.</summary>
    private sealed class SubjectIndex
    {
        public SortedSet<IndexEntry> Entries { get; } = new(IndexEntryComparer.Instance);
    }

    private readonly record struct IndexEntry(DateTimeOffset CreatedAt, string Id);

    private sealed class IndexEntryComparer : IComparer<IndexEntry>
    {
        public static readonly IndexEntryComparer Instance = new();

        public int Compare(IndexEntry x, IndexEntry y)
        {
            var byTime = x.CreatedAt.UtcTicks.CompareTo(y.CreatedAt.UtcTicks);
            return byTime != 0 ? byTime : string.CompareOrdinal(x.Id, y.Id);
        }
    }

    private sealed record Tombstone(string SessionId, SessionRecord Record, DateTimeOffset DropAt);

    private sealed class Subscription(InMemorySessionStore store, Action<SessionRevocation> onRevoked) : IDisposable
    {
        public Action<SessionRevocation> OnRevoked { get; } = onRevoked;

        public void Dispose() => store.Unsubscribe(this);
    }
}
