namespace JwtSessions.Internal;

/// <summary>
/// Count-min sketches with conservative update over a sliding window of cells, in one array allocated up front: memory is
/// fixed whatever the number of distinct keys, and recording allocates nothing.
/// </summary>
/// <remarks>
/// <para>
/// Layout: <c>[family][row][column][cell]</c> of 16-bit saturating counters, so a key's count over the window (the sum of
/// its cells) is one cache line a row. A cell is cleared lazily by the first recording that finds it holding an older cell
/// (under a lock, once a cell length); cells not written since more than a window ago are left out of every sum by their
/// epoch. Estimates never fall below the true count: conservative update raises only the rows at the minimum, which keeps
/// the overestimate from collisions far below a plain count-min sketch's.
/// </para>
/// <para>
/// Lock-free between rotations: concurrent recordings of one key may both report a crossing (a duplicate alarm), never
/// none, since estimates only grow within a cell and each recording reads the estimate before and after its own increment.
/// </para>
/// </remarks>
internal sealed class SlidingCountMinSketch
{
    public const int Depth = 4;

    private readonly ushort[] _counters;
    private readonly long[] _cellEpochs;
    private readonly int _cells;
    private readonly int _width;
    private readonly Lock _rotation = new();

    public SlidingCountMinSketch(int families, int width, int cells)
    {
        _cells = cells;
        _width = width;
        _counters = new ushort[checked(families * Depth * width * cells)];
        _cellEpochs = new long[cells];
        _cellEpochs.AsSpan().Fill(long.MinValue);
    }

    public int Width => _width;

    public long Bytes => (long)_counters.Length * sizeof(ushort) + (long)_cellEpochs.Length * sizeof(long);

    /// <summary>The bytes one column takes (every family, row and cell), for sizing a sketch within a budget.</summary>
    public static long BytesPerColumn(int families, int cells) => (long)families * Depth * cells * sizeof(ushort);

    /// <summary>
    /// Makes <paramref name="cellNumber"/> current, clearing its cell if it held an older one, and returns the bit mask of the
    /// cells inside the window that ends with it.
    /// </summary>
    public int Advance(long cellNumber)
    {
        var cell = (int)(cellNumber % _cells);
        if (Volatile.Read(ref _cellEpochs[cell]) < cellNumber)
        {
            lock (_rotation)
            {
                if (_cellEpochs[cell] < cellNumber)
                {
                    for (var i = cell; i < _counters.Length; i += _cells)
                    {
                        _counters[i] = 0;
                    }

                    Volatile.Write(ref _cellEpochs[cell], cellNumber);
                }
            }
        }

        var mask = 0;
        for (var c = 0; c < _cells; c++)
        {
            var epoch = Volatile.Read(ref _cellEpochs[c]);
            if (epoch <= cellNumber && epoch > cellNumber - _cells)
            {
                mask |= 1 << c;
            }
        }

        return mask;
    }

    /// <summary>Counts one more for the key of hash <paramref name="hash"/> in <paramref name="family"/>; returns its estimate before and after.</summary>
    public (int Before, int After) Add(int family, ulong hash, long cellNumber, int mask)
    {
        var cell = (int)(cellNumber % _cells);
        Span<int> bases = stackalloc int[Depth];
        Span<int> sums = stackalloc int[Depth];
        var before = int.MaxValue;
        for (var row = 0; row < Depth; row++)
        {
            bases[row] = Base(family, row, hash);
            sums[row] = Sum(bases[row], mask);
            before = Math.Min(before, sums[row]);
        }

        for (var row = 0; row < Depth; row++)
        {
            if (sums[row] == before)
            {
                SaturatingIncrement(ref _counters[bases[row] + cell]);
            }
        }

        return (before, Estimate(family, hash, mask));
    }

    /// <summary>The estimate of the key's count over the cells of <paramref name="mask"/>.</summary>
    public int Estimate(int family, ulong hash, int mask)
    {
        var estimate = int.MaxValue;
        for (var row = 0; row < Depth; row++)
        {
            estimate = Math.Min(estimate, Sum(Base(family, row, hash), mask));
        }

        return estimate;
    }

    private int Base(int family, int row, ulong hash)
    {
        // Double hashing (Kirsch-Mitzenmacher) from the two halves of one 64-bit hash; the multiply-shift maps to any width.
        var rowHash = (uint)hash + ((uint)row * ((uint)(hash >> 32) | 1u));
        var column = (int)(((ulong)rowHash * (ulong)_width) >> 32);
        return (((family * Depth) + row) * _width + column) * _cells;
    }

    private int Sum(int start, int mask)
    {
        var sum = 0;
        for (var c = 0; c < _cells; c++)
        {
            if ((mask & (1 << c)) != 0)
            {
                sum += Volatile.Read(ref _counters[start + c]);
            }
        }

        return sum;
    }

    private static void SaturatingIncrement(ref ushort counter)
    {
        while (true)
        {
            var value = Volatile.Read(ref counter);
            if (value == ushort.MaxValue || Interlocked.CompareExchange(ref counter, (ushort)(value + 1), value) == value)
            {
                return;
            }
        }
    }
}
