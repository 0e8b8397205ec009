using System.Numerics;
using System.Security.Cryptography;

namespace JwtSessions.Signing;

/// <summary>
/// Keyed HMAC instances of one secret, lent to one thread at a time: an <see cref="IncrementalHash"/> is not thread-safe, and
/// creating one per call costs the key schedule and a native context every time. Lock-free, bounded, and without a shared
/// hot spot: each core has its own slot, on its own cache lines, so threads on different cores never write the same line.
/// </summary>
/// <remarks>
/// A thread rents from and returns to the slot of the core it runs on (<see cref="Thread.GetCurrentProcessorId"/>), with one
/// uncontended <see cref="Interlocked.CompareExchange{T}(ref T, T, T)"/> each; only when that slot is empty (another thread of
/// the same core holds its instance, or the thread moved) does it look at the other cores' slots, and only when every slot is
/// taken does it make an instance, which it disposes on return if no slot is free. A pool whose threads all start at one
/// shared slot (<c>DefaultObjectPool</c>'s shape) makes two threads fight over one cache line on every MAC
/// (docs/benchmarks.md, "HS256 validation on 1 and 2 threads").
/// Thread-static instances would need no interlocked operation at all, but <see cref="Dispose"/> could not reach them.
/// An instance that threw mid-operation is never returned, so a pooled instance is always freshly reset. <see cref="Dispose"/>
/// releases the pooled instances; one lent out at that moment is released when it comes back, and nothing is lent afterwards.
/// Native contexts of instances still pooled when an undisposed key is collected are released by their finalizers.
/// </remarks>
internal sealed class HmacPool : IDisposable
{
    /// <summary>References between two slots: 128 bytes, so no two slots (and no slot and the array's header) share a cache line, nor an adjacent-line prefetch pair.</summary>
    private const int Stride = 16;

    private readonly HashAlgorithmName _hash;
    private readonly byte[] _secret;
    private readonly IncrementalHash?[] _slots;
    private readonly int _mask;
    private int _disposed;

    public HmacPool(HashAlgorithmName hash, byte[] secret)
    {
        _hash = hash;
        _secret = secret;

        // A power of two of slots, at least two, one per core up to 64; slot i lives at (i + 1) * Stride.
        var count = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(Environment.ProcessorCount, 2, 64));
        _mask = count - 1;
        _slots = new IncrementalHash?[(count + 1) * Stride];
    }

    /// <summary>
    /// Computes the MAC of <paramref name="data"/> into <paramref name="destination"/>; <see langword="false"/> (and no MAC)
    /// once the pool is disposed.
    /// </summary>
    public bool TryMac(ReadOnlySpan<byte> data, Span<byte> destination, out int written)
    {
        var home = Thread.GetCurrentProcessorId() & _mask;
        var hmac = Rent(home);
        if (hmac is null)
        {
            written = 0;
            return false;
        }

        hmac.AppendData(data);
        written = hmac.GetHashAndReset(destination);
        Return(hmac, home);
        return true;
    }

    /// <summary>Releases the pooled instances and lends no more. Idempotent; safe while other threads compute MACs.</summary>
    public void Dispose()
    {
        // A full fence: the flag is visible before any slot is emptied, so a Return that misses the flag puts its instance
        // where the sweep below still finds it, and one that sees it takes the instance back itself.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        for (var i = 0; i <= _mask; i++)
        {
            Interlocked.Exchange(ref _slots[(i + 1) * Stride], null)?.Dispose();
        }
    }

    private IncrementalHash? Rent(int home)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return null;
        }

        var slots = _slots;
        for (var k = 0; k <= _mask; k++)
        {
            ref var slot = ref slots[(((home + k) & _mask) + 1) * Stride];
            var item = slot;
            if (item is not null && Interlocked.CompareExchange(ref slot, null, item) == item)
            {
                return item;
            }
        }

        return IncrementalHash.CreateHMAC(_hash, _secret);
    }

    private void Return(IncrementalHash item, int home)
    {
        var slots = _slots;
        for (var k = 0; k <= _mask; k++)
        {
            ref var slot = ref slots[(((home + k) & _mask) + 1) * Stride];
            if (slot is null && Interlocked.CompareExchange(ref slot, item, null) is null)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    Reclaim(ref slot, item);
                }

                return;
            }
        }

        item.Dispose();
    }

    /// <summary>
    /// An instance pooled after <see cref="Dispose"/> swept its slot would stay until the finalizer: take it back and release
    /// it. Whoever empties the slot (this, the sweep, or a Rent that got in first) owns the instance, so it is released once.
    /// </summary>
    private static void Reclaim(ref IncrementalHash? slot, IncrementalHash item)
    {
        if (Interlocked.CompareExchange(ref slot, null, item) == item)
        {
            item.Dispose();
        }
    }
}
