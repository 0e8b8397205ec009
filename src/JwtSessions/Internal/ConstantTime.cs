using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace JwtSessions.Internal;

/// <summary>Comparisons whose running time does not depend on the bytes compared (RFC 7518 §3.2 for MACs).</summary>
internal static class ConstantTime
{
    /// <summary>
    /// Whether two spans hold the same bytes, in time that depends only on their lengths (which are public: a MAC's length is
    /// its algorithm's). Every byte is read, differences are OR-ed into one accumulator, and the only branch on the data is
    /// the final test of that accumulator.
    /// </summary>
    /// <remarks>
    /// <see cref="System.Security.Cryptography.CryptographicOperations.FixedTimeEquals"/> is compiled without optimization
    /// so that no JIT can ever add an early exit; that costs 127 to 260 ns for a 32-byte HMAC-SHA256 tag against 1 to 2 ns
    /// here, over a tenth of an HS256 validation (<c>MacComparisonBenchmarks</c>, an A/B in one run; docs/benchmarks.md). Here the accumulation is 16 bytes at a time with
    /// vector XOR and OR, which have no data-dependent timing and nothing for a compiler to short-circuit; no inlining
    /// keeps the loop away from the caller's code. Tests compare it with <c>FixedTimeEquals</c> on every length up to 80 and
    /// every position of a difference.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool AreEqual(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        ref var l = ref MemoryMarshal.GetReference(left);
        ref var r = ref MemoryMarshal.GetReference(right);
        var length = (nuint)left.Length;
        var blocks = length & ~(nuint)15;
        var difference = Vector128<byte>.Zero;
        for (nuint i = 0; i < blocks; i += 16)
        {
            difference |= Vector128.LoadUnsafe(ref l, i) ^ Vector128.LoadUnsafe(ref r, i);
        }

        var tail = 0;
        for (var i = blocks; i < length; i++)
        {
            tail |= Unsafe.Add(ref l, i) ^ Unsafe.Add(ref r, i);
        }

        return ((difference.AsUInt64().GetElement(0) | difference.AsUInt64().GetElement(1)) | (uint)tail) == 0;
    }
}
