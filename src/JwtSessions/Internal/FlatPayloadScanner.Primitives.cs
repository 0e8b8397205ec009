using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;

using JwtSessions.Validation;

namespace JwtSessions.Internal;

/// <content>The scanner's primitives: whitespace, strings by the quote bitmap, SWAR digits, NumericDates and skipped values.</content>
internal static partial class FlatPayloadScanner
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while ((uint)i < (uint)json.Length && json[i] == ' ')
        {
            i++;
        }

        return i;
    }

    /// <summary>The index of the closing quote of the plain string opening at <paramref name="i"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PlainStringEnd(ReadOnlySpan<byte> json, ReadOnlySpan<ulong> quotes, int i)
        => (uint)i < (uint)json.Length && json[i] == '"' ? NextQuote(json, quotes, i + 1) : -1;

    /// <summary>The index of the first quote at or after <paramref name="from"/> inside <paramref name="json"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextQuote(ReadOnlySpan<byte> json, ReadOnlySpan<ulong> quotes, int from)
    {
        var word = from >> 6;
        if ((uint)word >= (uint)quotes.Length)
        {
            return -1;
        }

        var bits = quotes[word] & (ulong.MaxValue << (from & 63));
        while (bits == 0)
        {
            if (++word == quotes.Length)
            {
                return -1;
            }

            bits = quotes[word];
        }

        // The bitmap covers the whole payload; json may be the body without its closing brace, which is never a quote.
        var end = (word << 6) + BitOperations.TrailingZeroCount(bits);
        return end < json.Length ? end : -1;
    }

    /// <summary>
    /// Sets a bit in <paramref name="quotes"/> for every '"' of <paramref name="json"/>, 64 bytes to a word; <see langword="false"/>
    /// at a backslash or control character (below 0x20). <paramref name="ascii"/> tells whether every byte is below 0x80.
    /// </summary>
    [SkipLocalsInit]
    private static bool TryMarkQuotes(ReadOnlySpan<byte> json, Span<ulong> quotes, out bool ascii)
    {
        ascii = true;
        var blocks = json.Length >> 6;
        for (var b = 0; b < blocks; b++)
        {
            if (!TryMarkBlock(json.Slice(b << 6, 64), out quotes[b], ref ascii))
            {
                return false;
            }
        }

        var rest = json.Length & 63;
        if (rest == 0)
        {
            return true;
        }

        if (blocks > 0)
        {
            // The last 64 bytes again, overlapping the block before: its quotes are shifted down to the rest.
            var ok = TryMarkBlock(json[^64..], out var bits, ref ascii);
            quotes[blocks] = bits >> (64 - rest);
            return ok;
        }

        // Shorter than a block: padded with spaces, neither a quote nor a byte that declines.
        Span<byte> padded = stackalloc byte[64];
        padded.Fill((byte)' ');
        json.CopyTo(padded);
        return TryMarkBlock(padded, out quotes[0], ref ascii);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryMarkBlock(ReadOnlySpan<byte> block, out ulong quoteBits, ref bool ascii)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.Create(block);
            var high = Vector256.Create(block[32..]);
            quoteBits = Vector256.Equals(low, Vector256.Create((byte)'"')).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(high, Vector256.Create((byte)'"')).ExtractMostSignificantBits() << 32);
            ascii &= ((low | high) & Vector256.Create((byte)0x80)) == Vector256<byte>.Zero;
            return (Vector256.LessThan(low, Vector256.Create((byte)0x20)) | Vector256.Equals(low, Vector256.Create((byte)'\\'))
                | Vector256.LessThan(high, Vector256.Create((byte)0x20)) | Vector256.Equals(high, Vector256.Create((byte)'\\'))) == Vector256<byte>.Zero;
        }

        if (Vector128.IsHardwareAccelerated)
        {
            quoteBits = 0;
            Vector128<byte> bad = Vector128<byte>.Zero, all = Vector128<byte>.Zero;
            for (var k = 0; k < 4; k++)
            {
                var v = Vector128.Create(block[(k << 4)..]);
                quoteBits |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'"')).ExtractMostSignificantBits() << (k << 4);
                bad |= Vector128.LessThan(v, Vector128.Create((byte)0x20)) | Vector128.Equals(v, Vector128.Create((byte)'\\'));
                all |= v;
            }

            ascii &= (all & Vector128.Create((byte)0x80)) == Vector128<byte>.Zero;
            return bad == Vector128<byte>.Zero;
        }

        quoteBits = 0;
        for (var k = 0; k < 64; k++)
        {
            var c = block[k];
            if (c < 0x20 || c == '\\')
            {
                return false;
            }

            ascii &= c < 0x80;
            quoteBits |= (c == '"' ? 1UL : 0UL) << k;
        }

        return true;
    }

    /// <summary>
    /// An unsigned integer of at most <paramref name="maxDigits"/> (up to 18) digits and no leading zero: the index after it, or
    /// -1. A fraction or exponent after the digits is left to the caller, whose delimiter check then declines it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScanDigits(ReadOnlySpan<byte> json, int i, int maxDigits, out long value)
    {
        Debug.Assert(maxDigits <= 18, "Nineteen digits could overflow a long.");
        value = ClaimSlots.Missing;
        var start = i;
        long v = 0;

        // Eight bytes at a time while eight remain: one load shows how many digits lead them, three multiplies convert those.
        // A NumericDate (ten digits) takes two steps instead of ten dependent multiply-adds.
        while (i + 8 <= json.Length)
        {
            var chunk = BinaryPrimitives.ReadUInt64LittleEndian(json[i..]) ^ 0x3030303030303030;

            // A byte is a digit exactly when, after the XOR, it is at most 9; adding 0x76 then sets no high bit. Carries only
            // run upward, past the first non-digit, so the lowest flagged byte is the first non-digit.
            var nonDigits = ((chunk + 0x7676767676767676) | chunk) & 0x8080808080808080;
            var digits = nonDigits == 0 ? 8 : BitOperations.TrailingZeroCount(nonDigits) >> 3;
            if (i - start + digits > maxDigits)
            {
                return -1;
            }

            if (digits > 0)
            {
                v = (v * s_pow10[digits]) + (long)EightDigitsValue(chunk << ((8 - digits) << 3));
                i += digits;
            }

            if (digits < 8)
            {
                return Finish(json, start, i, v, out value);
            }
        }

        while ((uint)i < (uint)json.Length && (uint)(json[i] - '0') <= 9)
        {
            if (i - start == maxDigits)
            {
                return -1;
            }

            v = (v * 10) + (json[i] - '0');
            i++;
        }

        return Finish(json, start, i, v, out value);

        static int Finish(ReadOnlySpan<byte> json, int start, int end, long v, out long value)
        {
            var count = end - start;
            if (count == 0 || (count > 1 && json[start] == '0'))
            {
                value = ClaimSlots.Missing;
                return -1;
            }

            value = v;
            return end;
        }
    }

    // An array, not a span over constant data: a collection expression there is allocated on every use in a Debug build.
    private static readonly long[] s_pow10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>
    /// The value of eight digit bytes (0-9, the first in the lowest byte and most significant); leading zero bytes stand for
    /// leading zeros. Pairs, then quads, then the whole, each by one multiply (the SWAR method of simdjson's number parser).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EightDigitsValue(ulong digits)
    {
        digits = (digits * 2561) >> 8;
        digits = ((digits & 0x00FF00FF00FF00FF) * 6553601) >> 16;
        return ((digits & 0x0000FFFF0000FFFF) * 42949672960001) >> 32;
    }

    /// <summary>A NumericDate in whole seconds below year 10000, as milliseconds; anything else is left to the full reader.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ScanNumericDate(ReadOnlySpan<byte> json, int i, out long milliseconds)
    {
        milliseconds = ClaimSlots.Missing;
        i = ScanDigits(json, i, maxDigits: 12, out var seconds);
        if (i < 0 || seconds >= PayloadLimits.MaxNumericDateSeconds)
        {
            return -1;
        }

        milliseconds = seconds * 1000;
        return i;
    }

    /// <summary>
    /// A member's value: a scalar or a flat array of scalars; objects and nested arrays decline. With
    /// <paramref name="audiences"/> (the <c>aud</c> claim) only strings are taken, and <paramref name="matches"/> is set when
    /// one of them is an accepted audience.
    /// </summary>
    private static int ScanValue(ReadOnlySpan<byte> json, ReadOnlySpan<ulong> quotes, int i, byte[][]? audiences, ref bool matches)
    {
        if ((uint)i >= (uint)json.Length || json[i] != '[')
        {
            return ScanElement(json, quotes, i, audiences, ref matches);
        }

        i = SkipWhitespace(json, i + 1);
        if ((uint)i < (uint)json.Length && json[i] == ']')
        {
            return i + 1;
        }

        while (true)
        {
            i = ScanElement(json, quotes, i, audiences, ref matches);
            if (i < 0)
            {
                return -1;
            }

            i = SkipWhitespace(json, i);
            if ((uint)i >= (uint)json.Length)
            {
                return -1;
            }

            if (json[i] == ']')
            {
                return i + 1;
            }

            if (json[i] != ',')
            {
                return -1;
            }

            i = SkipWhitespace(json, i + 1);
        }
    }

    /// <summary>One scalar; for <c>aud</c>, one plain string, matched.</summary>
    private static int ScanElement(ReadOnlySpan<byte> json, ReadOnlySpan<ulong> quotes, int i, byte[][]? audiences, ref bool matches)
    {
        if (audiences is null)
        {
            return ScanScalar(json, quotes, i);
        }

        var end = PlainStringEnd(json, quotes, i);
        if (end < 0)
        {
            return -1;
        }

        matches |= IsAudience(json[(i + 1)..end], audiences);
        return end + 1;
    }

    private static bool IsAudience(ReadOnlySpan<byte> value, byte[][] audiences)
    {
        foreach (var audience in audiences)
        {
            if (value.SequenceEqual(audience))
            {
                return true;
            }
        }

        return false;
    }

    private static int ScanScalar(ReadOnlySpan<byte> json, ReadOnlySpan<ulong> quotes, int i)
    {
        if ((uint)i >= (uint)json.Length)
        {
            return -1;
        }

        switch (json[i])
        {
            case (byte)'"':
                var end = PlainStringEnd(json, quotes, i);
                return end < 0 ? -1 : end + 1;
            case (byte)'t':
                return json[i..].StartsWith("true"u8) ? i + 4 : -1;
            case (byte)'f':
                return json[i..].StartsWith("false"u8) ? i + 5 : -1;
            case (byte)'n':
                return json[i..].StartsWith("null"u8) ? i + 4 : -1;
            default:
                return ScanNumber(json, i);
        }
    }

    /// <summary>RFC 8259 §6: <c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>; the index after it, or -1.</summary>
    private static int ScanNumber(ReadOnlySpan<byte> json, int i)
    {
        if ((uint)i < (uint)json.Length && json[i] == '-')
        {
            i++;
        }

        if ((uint)i >= (uint)json.Length || (uint)(json[i] - '0') > 9)
        {
            return -1;
        }

        i = json[i] == '0' ? i + 1 : SkipDigits(json, i);
        if ((uint)i < (uint)json.Length && json[i] == '.')
        {
            var fractionStart = i + 1;
            i = SkipDigits(json, fractionStart);
            if (i == fractionStart)
            {
                return -1;
            }
        }

        if ((uint)i < (uint)json.Length && json[i] is (byte)'e' or (byte)'E')
        {
            i++;
            if ((uint)i < (uint)json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponentStart = i;
            i = SkipDigits(json, exponentStart);
            if (i == exponentStart)
            {
                return -1;
            }
        }

        return i;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while ((uint)i < (uint)json.Length && (uint)(json[i] - '0') <= 9)
        {
            i++;
        }

        return i;
    }
}
