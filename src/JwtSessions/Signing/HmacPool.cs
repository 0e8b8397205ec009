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
/// so a pooled instance is always freshly reset. Native contexts of instances still pooled when the key is collected are
/// released by their finalizers.
/// </remarks>
internal sealed class HmacPool
{
    private readonly HashAlgorithmName _hash;
    private readonly byte[] _secret;
    private readonly IncrementalHash?[] _items;
    private IncrementalHash? _first;

    public HmacPool(HashAlgorithmName hash, byte[] secret)
    {
        _hash = hash;
        _secret = secret;
        _items = new IncrementalHash?[Math.Clamp(2 * Environment.ProcessorCount, 2, 64) - 1];
    }

    /// <summary>Computes the MAC of <paramref name="data"/> into <paramref name="destination"/> and returns its length.</summary>
    public int Mac(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var hmac = Rent();
        hmac.AppendData(data);
        var written = hmac.GetHashAndReset(destination);
        Return(hmac);
        return written;
    }

    private IncrementalHash Rent()
    {
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
            return;
        }

        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is null && Interlocked.CompareExchange(ref items[i], item, null) is null)
            {
                return;
            }
        }

        item.Dispose();
    }
}
