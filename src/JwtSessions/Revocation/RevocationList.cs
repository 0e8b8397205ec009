using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;

namespace JwtSessions.Revocation;

/// <summary>
/// The in-memory set of revoked session ids that validators consult on every request: an O(1), allocation-free lookup
/// with no store round trip. Session stores feed it; see docs/sessions.md.
/// </summary>
/// <remarks>
/// <para>
/// It is bounded by time, not by count: an entry is kept only until no access token of that session can still be valid
/// (revocation time + longest access-token lifetime + clock skew), and expired entries are swept as new ones arrive
/// and by <see cref="Prune"/>.
/// </para>
/// <para>
/// <see cref="IsAvailable"/> reports whether the feed behind the list is live; validators apply their
/// <c>RevocationFailureMode</c> when it is not.
/// </para>
/// </remarks>
/// <threadsafety>All members are safe to call from any number of threads at once.</threadsafety>
public sealed class RevocationList : IReadOnlyRevocationList
{
    private const int PruneEvery = 1024;

    // The filter in front of the dictionary: one bit per hash slot, 2^17 bits (16 KiB). A clear bit proves an id absent
    // without transcoding it or touching the dictionary; a set bit (a revoked id, or another that hashes alike) falls through
    // to the exact lookup. Below a few thousand entries nearly every lookup of a live session stops at the bit.
    private const int FilterBits = 1 << 17;

    private readonly ConcurrentDictionary<string, long> _revoked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _writeLock = new();
    private ulong[] _filter = new ulong[FilterBits / 64];
    private int _addsSincePrune;
    private volatile bool _available = true;

    /// <summary>Initializes a new instance of the <see cref="RevocationList"/> class.</summary>
    /// <param name="timeProvider">The clock used to sweep expired entries; <see cref="TimeProvider.System"/> when null.</param>
    public RevocationList(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _bySpan = _revoked.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets the number of entries held, expired ones not yet swept included.</summary>
    public int Count => _revoked.Count;

    /// <summary>
    /// Gets or sets a value indicating whether the feed that keeps this list current is live. A store sets it to
    /// <see langword="false"/> while it cannot receive revocations (for example while disconnected) and back once caught up.
    /// </summary>
    public bool IsAvailable
    {
        get => _available;
        set => _available = value;
    }

    /// <summary>Marks a session revoked until <paramref name="retainUntil"/>, after which no access token of it can be valid.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="retainUntil">When the entry may be dropped.</param>
    public void Add(string sessionId, DateTimeOffset retainUntil)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        var until = retainUntil.ToUnixTimeMilliseconds();

        // Writers take turns (revocations are rare next to lookups): the bit is set before the entry appears, and a prune can
        // never rebuild the filter between the two, so no entry is ever behind a clear bit.
        lock (_writeLock)
        {
            SetBit(_filter, sessionId);
            _revoked.AddOrUpdate(sessionId, static (_, added) => added, static (_, existing, added) => Math.Max(existing, added), until);
        }

        if (Interlocked.Increment(ref _addsSincePrune) >= PruneEvery)
        {
            Prune();
        }
    }

    /// <summary>Gets whether <paramref name="sessionId"/> is revoked.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns><see langword="true"/> when the session is in the list.</returns>
    public bool Contains(string sessionId) => _revoked.ContainsKey(sessionId);

    /// <summary>Removes entries whose retention has passed.</summary>
    /// <returns>The number of entries removed.</returns>
    public int Prune()
    {
        Interlocked.Exchange(ref _addsSincePrune, 0);
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var removed = 0;
        lock (_writeLock)
        {
            foreach (var entry in _revoked)
            {
                if (entry.Value <= now && _revoked.TryRemove(entry))
                {
                    removed++;
                }
            }

            // Removed ids leave their bits behind until the filter is rebuilt from what remains.
            if (removed > 0)
            {
                var filter = new ulong[FilterBits / 64];
                foreach (var sessionId in _revoked.Keys)
                {
                    SetBit(filter, sessionId);
                }

                Volatile.Write(ref _filter, filter);
            }
        }

        return removed;
    }

    /// <summary>Allocation-free lookup of a UTF-8 session id taken from a token.</summary>
    [SkipLocalsInit]
    internal bool Contains(ReadOnlySpan<byte> sessionIdUtf8)
    {
        var slot = Slot(sessionIdUtf8);
        if ((Volatile.Read(ref _filter)[slot >> 6] & (1UL << slot)) == 0)
        {
            return false;
        }

        // No IsEmpty shortcut: ConcurrentDictionary.IsEmpty scans the buckets and, finding none, takes every lock; after a
        // burst of revocations was pruned each validation would pay for it. The lookup below stays O(1).
        // Session ids are chosen by the caller (AccessTokenDescriptor.SessionId) and Add takes any length, so a long id
        // must be looked up too: skipping it would let every token of a revoked session through (fail open). UTF-8 never
        // decodes to more chars than it has bytes; long ids use a pooled buffer to keep the lookup allocation-free.
        char[]? rented = null;
        var chars = sessionIdUtf8.Length <= 256
            ? stackalloc char[256]
            : (rented = ArrayPool<char>.Shared.Rent(sessionIdUtf8.Length));
        try
        {
            var count = Encoding.UTF8.GetChars(sessionIdUtf8, chars);
            return _bySpan.ContainsKey(chars[..count]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The filter slot of a UTF-8 id: <see cref="HashCode"/> (seeded per process) over its bytes.</summary>
    private static int Slot(ReadOnlySpan<byte> sessionIdUtf8)
    {
        var hash = new HashCode();
        hash.AddBytes(sessionIdUtf8);
        return hash.ToHashCode() & (FilterBits - 1);
    }

    [SkipLocalsInit]
    private static void SetBit(ulong[] filter, string sessionId)
    {
        // The bytes a token carries for this id: its UTF-8.
        var maxBytes = Encoding.UTF8.GetMaxByteCount(sessionId.Length);
        var utf8 = maxBytes <= 1024 ? stackalloc byte[1024] : new byte[maxBytes];
        var slot = Slot(utf8[..Encoding.UTF8.GetBytes(sessionId, utf8)]);
        Interlocked.Or(ref filter[slot >> 6], 1UL << slot);
    }
}
