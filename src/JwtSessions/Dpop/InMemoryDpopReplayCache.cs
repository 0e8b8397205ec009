using System.Collections.Concurrent;

namespace JwtSessions.Dpop;

/// <summary>
/// A bounded in-process <see cref="IDpopReplayCache"/>: enough for one server, or for several behind a load balancer that
/// sends each client to the same one. Entries are forgotten once their proof is outside the <c>iat</c> window.
/// </summary>
/// <remarks>
/// <para>
/// The capacity is reserved before an entry is added (never checked, then added), so concurrent proofs never pass it. A
/// full cache first drops its expired entries (at most one sweep per second, so a flood cannot turn every request into a
/// full scan) and then fails closed: the proof is refused as <see cref="DpopProofError.Replayed"/>, never accepted
/// unrecorded. Each entry costs about 200 bytes; the default capacity holds 100,000 proofs in about 20 MB, which at the
/// default two-minute window is over 800 proofs a second. docs/dpop.md discusses the sizing.
/// </para>
/// </remarks>
/// <threadsafety>Thread-safe.</threadsafety>
public sealed class InMemoryDpopReplayCache : IDpopReplayCache
{
    /// <summary>The default capacity: 100,000 proofs.</summary>
    public const int DefaultCapacity = 100_000;

    private const long SweepIntervalMs = 1000;

    private readonly ConcurrentDictionary<string, long> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private int _count;
    private int _sweeping;
    private long _lastSweepMs = long.MinValue / 2;

    /// <summary>Initializes a new instance of the <see cref="InMemoryDpopReplayCache"/> class.</summary>
    /// <param name="capacity">The most proofs remembered at once; between 1 and 10,000,000.</param>
    /// <param name="timeProvider">The clock that decides when entries expire; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is out of range.</exception>
    public InMemoryDpopReplayCache(int capacity = DefaultCapacity, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 10_000_000);
        _capacity = capacity;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the number of entries held (expired ones included until they are swept).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets the most entries held at once.</summary>
    public int Capacity => _capacity;

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(string proofId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proofId);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_entries.TryGetValue(proofId, out var existing))
        {
            // A live entry is a replay; an expired one is dropped and the id recorded again.
            if (existing > now || !_entries.TryRemove(new KeyValuePair<string, long>(proofId, existing)))
            {
                return ValueTask.FromResult(false);
            }

            Interlocked.Decrement(ref _count);
        }

        if (!Reserve(now))
        {
            return ValueTask.FromResult(false);
        }

        if (_entries.TryAdd(proofId, expiresAt.ToUnixTimeMilliseconds()))
        {
            return ValueTask.FromResult(true);
        }

        Interlocked.Decrement(ref _count);
        return ValueTask.FromResult(false);
    }

    private bool Reserve(long now)
    {
        if (TryReserve())
        {
            return true;
        }

        Sweep(now);
        return TryReserve();
    }

    private bool TryReserve()
    {
        if (Interlocked.Increment(ref _count) <= _capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    private void Sweep(long now)
    {
        if (now - Volatile.Read(ref _lastSweepMs) < SweepIntervalMs || Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _lastSweepMs, now);
            foreach (var entry in _entries)
            {
                if (entry.Value <= now && _entries.TryRemove(entry))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
