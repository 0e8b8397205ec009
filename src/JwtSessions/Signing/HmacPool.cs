using System.Security.Cryptography;

namespace JwtSessions.Signing;

/// <summary>
/// Keyed HMAC instances of one secret, lent to one thread at a time: an <see cref="IncrementalHash"/> is not thread-safe, and
/// creating one per call costs the key schedule and a native context every time. Lock-free and bounded: a few instances per
/// core are kept, extra ones made under contention are disposed on return.
/// </summary>
/// <remarks>
/// The shape (one fast slot, then an array scanned with <see cref="Interlocked.CompareExchange{T}(ref T, T, T)"/>) follows
/// <c>DefaultObjectPool</c> in dotnet/aspnetcore <c>src/ObjectPool</c>. An instance that threw mid-operation is never returned,
/// so a pooled instance is always freshly reset. <see cref="Dispose"/> releases the pooled instances; one lent out at that
/// moment is released when it comes back, and nothing is lent afterwards. Native contexts of instances still pooled when an
/// undisposed key is collected are released by their finalizers.
/// </remarks>
internal sealed class HmacPool : IDisposable
{
    private readonly HashAlgorithmName _hash;
    private readonly byte[] _secret;
    private readonly IncrementalHash?[] _items;
    private IncrementalHash? _first;
    private int _disposed;

    public HmacPool(HashAlgorithmName hash, byte[] secret)
    {
        _hash = hash;
        _secret = secret;
        _items = new IncrementalHash?[Math.Clamp(2 * Environment.ProcessorCount, 2, 64) - 1];
    }

    /// <summary>
    /// Computes the MAC of <paramref name="data"/> into <paramref name="destination"/>; <see langword="false"/> (and no MAC)
    /// once the pool is disposed.
    /// </summary>
    public bool TryMac(ReadOnlySpan<byte> data, Span<byte> destination, out int written)
    {
        var hmac = Rent();
        if (hmac is null)
        {
            written = 0;
            return false;
        }

        hmac.AppendData(data);
        written = hmac.GetHashAndReset(destination);
        Return(hmac);
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

        Interlocked.Exchange(ref _first, null)?.Dispose();
        for (var i = 0; i < _items.Length; i++)
        {
            Interlocked.Exchange(ref _items[i], null)?.Dispose();
        }
    }

    private IncrementalHash? Rent()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return null;
        }

        var item = _first;
        if (item is not null && Interlocked.CompareExchange(ref _first, null, item) == item)
        {
            return item;
        }

        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            item = items[i];
            if (item is not null && Interlocked.CompareExchange(ref items[i], null, item) == item)
            {
                return item;
            }
        }

        return IncrementalHash.CreateHMAC(_hash, _secret);
    }

    private void Return(IncrementalHash item)
    {
        if (_first is null && Interlocked.CompareExchange(ref _first, item, null) is null)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                Reclaim(ref _first, item);
            }

            return;
        }

        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is null && Interlocked.CompareExchange(ref items[i], item, null) is null)
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    Reclaim(ref items[i], item);
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
