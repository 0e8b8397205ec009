using System.Collections.Concurrent;

namespace JwtSessions.Sessions;

/// <summary>
/// The embedded default store: sessions in process memory, for a single server. Thread-safe, bounded by
/// <see cref="InMemorySessionStoreOptions.MaxSessions"/> live sessions and <see cref="InMemorySessionStoreOptions.MaxTombstones"/>
/// revoked ones, and swept of sessions past their deadlines.
/// </summary>
/// <remarks>
/// <para>
/// Rotation is a compare-and-swap on an immutable entry (the session's compact form), so concurrent refreshes of one token
/// advance the generation exactly once. A revoked session leaves its subject's index and the live count at once; it is kept as a
/// tombstone without its metadata, scope and client id (so that a replayed refresh token is reported as revoked) until the
/// earlier of its deadline and <see cref="InMemorySessionStoreOptions.TombstoneRetention"/>, and at most
/// <see cref="InMemorySessionStoreOptions.MaxTombstones"/> of them are kept, the oldest dropped first.
/// </para>
/// <para>
/// Everything lives in this process: a restart loses every session and every tombstone (docs/sessions.md, "Restarts").
/// docs/sessions.md gives the measured memory per session.
/// </para>
/// <para>
/// Sessions are held in a compact form, not as the <see cref="SessionRecord"/> instances passed in: ids as 16 bytes, times
/// as UTC ticks, one shared string per subject (InMemorySessionStore.Entry.cs). Records read back are new instances, equal
/// to those stored, with their times in UTC.
/// </para>
/// </remarks>
/// <threadsafety>All members are safe to call from any number of threads at once.</threadsafety>
public sealed partial class InMemorySessionStore : ISessionStore, IDisposable
{
    private readonly ConcurrentDictionary<SessionKey, Entry> _sessions = new();
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
        ArgumentNullException.ThrowIfNull(sessionId);
        return ValueTask.FromResult(_sessions.TryGetValue(SessionKey.From(sessionId), out var entry) ? entry.ToRecord(sessionId) : null);
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
        ArgumentNullException.ThrowIfNull(sessionId);
        cancellationToken.ThrowIfCancellationRequested();
        var key = SessionKey.From(sessionId);
        while (true)
        {
            if (!_sessions.TryGetValue(key, out var entry))
            {
                return ValueTask.FromResult(new RotationOutcome(RotationStatus.NotFound, null));
            }

            var current = entry.ToRecord(sessionId);
            var status = SessionRules.Classify(current, expectedGeneration, now);
            if (status != RotationStatus.Rotated)
            {
                return ValueTask.FromResult(new RotationOutcome(status, current));
            }

            var next = SessionRules.Advance(current, now, idleTimeout);
            next = metadata is null ? next : next with { Metadata = metadata };
            if (_sessions.TryUpdate(key, Entry.From(next, entry.Subject), entry))
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
        ArgumentNullException.ThrowIfNull(sessionId);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(RevokeCore(SessionKey.From(sessionId), sessionId, revokedAt, reason, unindex: true).Record);
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
            foreach (var item in index.Items)
            {
                if (_sessions.TryGetValue(item.Key, out var entry) && entry.IsActiveAt(now.UtcTicks))
                {
                    active.Add(entry.ToRecord(item.Key.ToString()));
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
        var now = _time.GetUtcNow().UtcTicks;
        var removed = 0;
        foreach (var (key, entry) in _sessions)
        {
            // Tombstones leave through their queue below, which keeps their count exact.
            if (!entry.IsRevoked && now >= entry.ExpiresAt && _sessions.TryRemove(new KeyValuePair<SessionKey, Entry>(key, entry)))
            {
                removed++;
                Interlocked.Decrement(ref _reservedCount);
                Unindex(key, entry);
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
        ArgumentNullException.ThrowIfNull(session.SessionId);
        ArgumentNullException.ThrowIfNull(session.Subject);
        var key = SessionKey.From(session.SessionId);
        var reserved = TryReserveSlot();
        if (!reserved && cap is null)
        {
            // Full: sweep, then try again whatever this sweep removed, since a concurrent one (the timer's, another sign-in's)
            // may have freed the room first.
            Sweep();
            reserved = TryReserveSlot() ? true : throw Full();
        }

        // Full with a cap: a subject at its cap frees its own slot (no sweep, which a flood would otherwise run per sign-in).
        if (TryCreateIndexed(key, session, cap, ref reserved, out var evicted))
        {
            return evicted;
        }

        // Full, and the subject had no session to give up: sweep once, as above, and try again.
        Sweep();
        reserved = TryReserveSlot();
        return reserved && TryCreateIndexed(key, session, cap, ref reserved, out evicted) ? evicted : throw Full();
    }

    /// <summary>
    /// Under the subject's lock: the cap's evictions, the add and the indexing. Returns false, with nothing changed, when no
    /// slot was reserved and no live session of the subject could hand its slot over.
    /// </summary>
    private bool TryCreateIndexed(SessionKey key, SessionRecord session, int? cap, ref bool reserved, out IReadOnlyList<SessionRevocation> evicted)
    {
        // Sweep may unindex a subject's set the moment it empties, and a session added to a set that was just unindexed
        // would be missing from ListAsync, hence from "log out everywhere" and the per-subject cap. Add only under the set's
        // lock while it is still the indexed one (Sweep unindexes only under the same lock), else retry with a fresh set.
        while (true)
        {
            var index = _bySubject.GetOrAdd(session.Subject, static subject => new SubjectIndex(subject));
            lock (index)
            {
                if (!_bySubject.TryGetValue(session.Subject, out var indexed) || !ReferenceEquals(indexed, index))
                {
                    continue;
                }

                if (_sessions.ContainsKey(key))
                {
                    Release(reserved);
                    throw Duplicate();
                }

                evicted = [];
                if (cap is { } max && index.Count >= max)
                {
                    // A store full of live sessions still lets a subject at its cap sign in: the session it revokes hands its
                    // slot over to the new one (reserved turns true).
                    evicted = Evict(index, index.Count - max + 1, session.CreatedAt, ref reserved);
                }

                if (!reserved && !TryReserveSlot())
                {
                    // Nothing was revoked (only entries of sessions already gone or revoked left the index).
                    if (index.Count == 0)
                    {
                        _bySubject.TryRemove(new KeyValuePair<string, SubjectIndex>(index.Subject, index));
                    }

                    return false;
                }

                reserved = true;

                // The index's copy of the subject, not the record's: one string per subject, however many sessions it holds.
                var entry = Entry.From(session, index.Subject);
                if (!_sessions.TryAdd(key, entry))
                {
                    Release(true);
                    throw Duplicate();
                }

                index.Add(new IndexItem(entry.CreatedAt, key));
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
        while (count > 0 && index.Count > 0)
        {
            var oldest = index.Oldest;
            index.Remove(oldest);
            count--;

            // The entry is out already, and the index must stay the subject's indexed one even if this empties it: the
            // caller adds the new session to it next, under the same lock.
            var id = oldest.Key.ToString();
            var (revoked, byThisCall) = RevokeCore(oldest.Key, id, revokedAt, SessionEndReason.SessionLimit, unindex: false, releaseSlot: reserved);
            if (byThisCall)
            {
                reserved = true;
                evicted.Add(new SessionRevocation(id, revoked!.Subject, revokedAt, SessionEndReason.SessionLimit));
            }
        }

        return evicted;
    }

    /// <returns>The revoked record (null when unknown), and whether this call revoked it.</returns>
    private (SessionRecord? Record, bool Revoked) RevokeCore(
        SessionKey key,
        string sessionId,
        DateTimeOffset revokedAt,
        SessionEndReason reason,
        bool unindex,
        bool releaseSlot = true)
    {
        while (true)
        {
            if (!_sessions.TryGetValue(key, out var entry))
            {
                return (null, false);
            }

            var current = entry.ToRecord(sessionId);
            if (entry.IsRevoked)
            {
                return (current, false);
            }

            var revoked = current with { RevokedAt = revokedAt, RevocationReason = reason };

            // The tombstone keeps what the refresh path reads (deadlines, generation, revocation), not the descriptive data.
            var tombstone = Entry.From(revoked with { Metadata = SessionMetadata.Empty, Scope = null, ClientId = null }, entry.Subject);
            if (_sessions.TryUpdate(key, tombstone, entry))
            {
                Release(releaseSlot);
                if (unindex)
                {
                    Unindex(key, entry);
                }

                Bury(key, tombstone);
                Publish(new SessionRevocation(sessionId, current.Subject, revokedAt, reason));
                return (revoked, true);
            }
        }
    }

    private void Bury(SessionKey key, Entry tombstone)
    {
        var dropAt = Math.Min(tombstone.ExpiresAt, (_time.GetUtcNow() + _tombstoneRetention).UtcTicks);
        lock (_tombstonesLock)
        {
            _tombstones.Enqueue(new Tombstone(key, tombstone, dropAt));

            // Over the bound: the oldest tombstones go at once. A live session is never touched here.
            while (_tombstones.Count > _maxTombstones)
            {
                Drop(_tombstones.Dequeue());
            }
        }
    }

    private int Drop(Tombstone tombstone)
        => _sessions.TryRemove(new KeyValuePair<SessionKey, Entry>(tombstone.Key, tombstone.Entry)) ? 1 : 0;

    private void Unindex(SessionKey key, Entry entry)
    {
        if (_bySubject.TryGetValue(entry.Subject, out var index))
        {
            // Under the set's lock, so no CreateAsync adds to it between the emptiness check and the unindexing.
            lock (index)
            {
                index.Remove(new IndexItem(entry.CreatedAt, key));
                if (index.Count == 0)
                {
                    _bySubject.TryRemove(new KeyValuePair<string, SubjectIndex>(index.Subject, index));
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

    /// <summary>A revoked session awaiting its drop (at <paramref name="DropAt"/>, UTC ticks), kept with the entry it was buried as.</summary>
    private readonly record struct Tombstone(SessionKey Key, Entry Entry, long DropAt);

    private sealed class Subscription(InMemorySessionStore store, Action<SessionRevocation> onRevoked) : IDisposable
    {
        public Action<SessionRevocation> OnRevoked { get; } = onRevoked;

        public void Dispose() => store.Unsubscribe(this);
    }
}
