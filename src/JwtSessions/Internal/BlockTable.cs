namespace JwtSessions.Internal;

/// <summary>
/// A fixed-size table of blocked keys: each slot is one 64-bit word (a 32-bit tag of the key's hash, and the second the block
/// ends, counted from the detector's start), so a lookup is at most <see cref="Probe"/> atomic reads and never allocates.
/// Writers take a lock; readers take none.
/// </summary>
/// <remarks>
/// A lookup matches on the slot (from the hash's low bits) and the tag (its high 32 bits): two keys are confused only when
/// both agree, about one in 2^32 for keys that share a neighbourhood. When the eight slots a key may take are all held, a
/// new block replaces the one that ends first.
/// </remarks>
internal sealed class BlockTable
{
    public const int Probe = 8;

    private readonly long[] _slots;
    private readonly int _mask;
    private readonly Lock _writeLock = new();

    public BlockTable(int capacity)
    {
        _slots = new long[capacity];
        _mask = capacity - 1;
    }

    public long Bytes => (long)_slots.Length * sizeof(long);

    /// <summary>Gets whether the key is blocked at <paramref name="nowSecond"/>, and the second its block ends.</summary>
    public bool IsBlocked(ulong hash, uint nowSecond, out uint untilSecond)
    {
        var tag = Tag(hash);
        var start = (int)hash;
        for (var i = 0; i < Probe; i++)
        {
            var slot = Volatile.Read(ref _slots[(start + i) & _mask]);
            if ((uint)(slot >>> 32) == tag && (uint)slot > nowSecond)
            {
                untilSecond = (uint)slot;
                return true;
            }
        }

        untilSecond = 0;
        return false;
    }

    /// <summary>Blocks the key until <paramref name="untilSecond"/>, or keeps its block if that ends later.</summary>
    public void Block(ulong hash, uint nowSecond, uint untilSecond)
    {
        var tag = Tag(hash);
        var start = (int)hash;
        lock (_writeLock)
        {
            var target = -1;
            var earliest = uint.MaxValue;
            for (var i = 0; i < Probe; i++)
            {
                var index = (start + i) & _mask;
                var slot = _slots[index];
                if ((uint)(slot >>> 32) == tag)
                {
                    target = index;
                    untilSecond = Math.Max(untilSecond, (uint)slot);
                    break;
                }

                // A free or ended slot counts as ending at zero: it is taken before any live block is replaced.
                var end = slot == 0 || (uint)slot <= nowSecond ? 0u : (uint)slot;
                if (end < earliest)
                {
                    earliest = end;
                    target = index;
                }
            }

            Volatile.Write(ref _slots[target], ((long)tag << 32) | untilSecond);
        }
    }

    /// <summary>Lifts the key's block; returns whether it had one.</summary>
    public bool Unblock(ulong hash, uint nowSecond)
    {
        var tag = Tag(hash);
        var start = (int)hash;
        lock (_writeLock)
        {
            for (var i = 0; i < Probe; i++)
            {
                var index = (start + i) & _mask;
                var slot = _slots[index];
                if ((uint)(slot >>> 32) == tag)
                {
                    Volatile.Write(ref _slots[index], 0);
                    return (uint)slot > nowSecond;
                }
            }
        }

        return false;
    }

    // Never zero, so an empty slot (0) matches no key.
    private static uint Tag(ulong hash) => (uint)(hash >>> 32) | 1u;
}
