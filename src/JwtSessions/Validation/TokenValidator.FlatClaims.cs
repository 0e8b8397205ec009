using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;

namespace JwtSessions.Validation;

/// <content>
/// The fast payload reader. Access-token payloads are flat objects of plain strings, integers and arrays of them; for those a
/// single forward scan finds every claim in a fraction of what a general JSON reader with duplicate tracking costs, and that
/// difference is most of the cost of a validation above the MAC itself (docs/benchmarks.md).
/// </content>
public sealed partial class TokenValidator
{
    private const int MaxFlatMembers = 32;

    // Payloads up to this size get the fast reader: a quote bitmap of 512 bytes on the stack. Access tokens are well below
    // it; a larger payload is simply read by the full reader.
    private const int MaxFlatLength = 4096;

    /// <summary>
    /// Reads a payload that is a flat JSON object in the plain subset: no whitespace before <c>{</c> or after <c>}</c> and no
    /// whitespace but spaces inside, member names and strings without escapes, numbers, <c>true</c>/<c>false</c>/<c>null</c>,
    /// arrays of those, at most <see cref="MaxFlatMembers"/> members besides the registered claims, and the registered claims
    /// in their simple form (integer NumericDates, string <c>iss</c>/<c>sub</c>/<c>jti</c>/<c>sid</c>, a string or array of
    /// strings for <c>aud</c>).
    /// </summary>
    /// <remarks>
    /// It never decides a rejection. On anything outside the subset, valid or not, it declines and <see cref="ReadClaimSlots"/>
    /// reads the payload instead; on anything inside, the slots are exactly those <see cref="ReadClaimSlots"/> would give (a test
    /// compares the two on every payload of the adversarial corpus and on mutations of them).
    /// </remarks>
    /// <returns><see langword="true"/> with the slots filled, or <see langword="false"/> to decline.</returns>
    [SkipLocalsInit]
    internal static bool TryScanFlatClaims(ReadOnlySpan<byte> json, ReadOnlySpan<byte> issuer, byte[][] audiences, out ClaimSlots slots)
    {
        slots = ClaimSlots.Empty;
        if (json.Length < 2 || json.Length > MaxFlatLength || json[0] != '{' || json[^1] != '}')
        {
            return false;
        }

        // One vectorized pass marks every quote and declines on any backslash or control character. Then no string has an
        // escape, every quote is a string delimiter, and each string's end is one bit search away (NextQuote). The same
        // pass tells whether the payload is ASCII; if not, invalid UTF-8 declines too and the full reader rejects it.
        Span<ulong> quotes = stackalloc ulong[MaxFlatLength / 64];
        quotes = quotes[..((json.Length + 63) >> 6)];
        if (!TryMarkQuotes(json, quotes, out var ascii) || (!ascii && !Utf8.IsValid(json)))
        {
            return false;
        }

        // Everything but the closing brace; every index below stays inside it.
        var body = json[..^1];

        // Tokens of this library's issuer are read member by member in the order it writes them first; whatever follows, or
        // a payload laid out otherwise, is read by the general loop below, which knows which claims were already seen.
        var seen = 0;
        var i = ScanIssuerLayout(body, quotes, issuer, audiences, ref slots, ref seen);

        Span<int> nameStarts = stackalloc int[MaxFlatMembers];
        Span<int> fingerprints = stackalloc int[MaxFlatMembers];
        var others = 0;
        for (var first = seen == 0; ; first = false)
        {
            // Between members: nothing, whitespace, or a comma with whitespace around it; the body may end after a member
            // or, in an empty object, at once.
            i = SkipWhitespace(body, i);
            if (i == body.Length)
            {
                return true;
            }

            if (!first)
            {
                if (body[i] != ',')
                {
                    return false;
                }

                i = SkipWhitespace(body, i + 1);
            }

            if (i >= body.Length || body[i] != '"')
            {
                return false;
            }

            var nameEnd = PlainStringEnd(body, quotes, i);
            if (nameEnd < 0)
            {
                return false;
            }

            // Without escapes the raw bytes are the name, so byte comparisons find every duplicate: a bit per registered claim,
            // and for the other names a fingerprint (length, first and last byte) before any byte comparison.
            var name = body[(i + 1)..nameEnd];
            var claim = MatchRegisteredClaim(name);
            if (claim != RegisteredClaim.Other)
            {
                var bit = 1 << (int)claim;
                if ((seen & bit) != 0)
                {
                    return false;
                }

                seen |= bit;
            }
            else
            {
                if (others == MaxFlatMembers)
                {
                    return false;
                }

                var fingerprint = name.Length == 0 ? 0 : name.Length | (name[0] << 16) | (name[^1] << 24);
                for (var k = 0; k < others; k++)
                {
                    if (fingerprints[k] == fingerprint && body.Slice(nameStarts[k], name.Length).SequenceEqual(name))
                    {
                        return false;
                    }
                }

                nameStarts[others] = i + 1;
                fingerprints[others] = fingerprint;
                others++;
            }

            i = SkipWhitespace(body, nameEnd + 1);
            if (i >= body.Length || body[i] != ':')
            {
                return false;
            }

            i = SkipWhitespace(body, i + 1);
            if (i >= body.Length)
            {
                return false;
            }

            var valueStart = i;
            switch (claim)
            {
                case RegisteredClaim.Exp:
                    i = ScanNumericDate(body, i, out slots.Exp);
                    break;
                case RegisteredClaim.Iat:
                    i = ScanNumericDate(body, i, out slots.Iat);
                    break;
                case RegisteredClaim.Nbf:
                    i = ScanNumericDate(body, i, out slots.Nbf);
                    break;
                case RegisteredClaim.Gen:
                    i = ScanDigits(body, i, maxDigits: 18, out slots.Gen);
                    break;
                case RegisteredClaim.Iss:
                    i = PlainStringEnd(body, quotes, i) + 1;
                    slots.Iss = new StringClaim(valueStart, i - 1);
                    slots.IssuerMatches = i > 0 && body[(valueStart + 1)..(i - 1)].SequenceEqual(issuer);
                    break;
                case RegisteredClaim.Sub or RegisteredClaim.Jti or RegisteredClaim.Sid or RegisteredClaim.Scope or RegisteredClaim.ClientId:
                    i = PlainStringEnd(body, quotes, i) + 1;
                    StringSlot(ref slots, claim) = new StringClaim(valueStart, i - 1);
                    break;
                case RegisteredClaim.Aud:
                    i = ScanValue(body, quotes, i, audiences, ref slots.AudienceMatches);
                    slots.Aud = valueStart;
                    break;
                default:
                    var ignored = false;
                    i = ScanValue(body, quotes, i, audiences: null, ref ignored);
                    break;
            }

            // A failed scan leaves i at 0 (end -1, plus one) or below: nothing valid ends there.
            if (i <= 0)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Reads the members <see cref="Issuance.TokenIssuer"/> writes, in its order and spelling (<c>{"iss":…,"sub":…,"aud":…,"exp":…,
    /// "iat":…,"nbf":…,"jti":…</c>, then <c>sid</c>, <c>gen</c>, <c>scope</c> and <c>client_id</c> when present), for as long as
    /// the payload follows that layout. Each name is one comparison with a constant and each value is read by the general loop's
    /// own helpers, with no name match, duplicate check or jump per member: a library-issued token's claims in a straight line.
    /// </summary>
    /// <remarks>
    /// A member whose value cannot be read is left entirely to the general loop, which takes over at that member (another
    /// name or order, whitespace, a string with no end, a value of another form) and decides it as it would have. What follows
    /// a value the lane did read is checked by the next member's <c>,"name":</c> or, failing that, by the general loop, which
    /// declines anything after a value but whitespace, a comma or the end (so <c>"exp":1.5</c> declines there).
    /// </remarks>
    /// <returns>Where the general loop goes on: 1 when no member was read, else the index just after the last value read.</returns>
    private static int ScanIssuerLayout(
        ReadOnlySpan<byte> body, ReadOnlySpan<ulong> quotes, ReadOnlySpan<byte> issuer, byte[][] audiences, ref ClaimSlots slots, ref int seen)
    {
        var i = 1;
        if (!ReadPlainString(body, quotes, ref i, "\"iss\":"u8, ref slots.Iss, ref seen, RegisteredClaim.Iss))
        {
            return i;
        }

        slots.IssuerMatches = slots.Iss.TryRaw(body, out var iss) && iss.SequenceEqual(issuer);
        if (!ReadPlainString(body, quotes, ref i, ",\"sub\":"u8, ref slots.Sub, ref seen, RegisteredClaim.Sub)
            || !ReadAudience(body, quotes, ref i, audiences, ref slots, ref seen)
            || !ReadNumericDate(body, ref i, ",\"exp\":"u8, ref slots.Exp, ref seen, RegisteredClaim.Exp)
            || !ReadNumericDate(body, ref i, ",\"iat\":"u8, ref slots.Iat, ref seen, RegisteredClaim.Iat)
            || !ReadNumericDate(body, ref i, ",\"nbf\":"u8, ref slots.Nbf, ref seen, RegisteredClaim.Nbf)
            || !ReadPlainString(body, quotes, ref i, ",\"jti\":"u8, ref slots.Jti, ref seen, RegisteredClaim.Jti))
        {
            return i;
        }

        // The optional members, each in its place or absent.
        ReadPlainString(body, quotes, ref i, ",\"sid\":"u8, ref slots.Sid, ref seen, RegisteredClaim.Sid);
        ReadGeneration(body, ref i, ref slots, ref seen);
        ReadPlainString(body, quotes, ref i, ",\"scope\":"u8, ref slots.Scope, ref seen, RegisteredClaim.Scope);
        ReadPlainString(body, quotes, ref i, ",\"client_id\":"u8, ref slots.ClientId, ref seen, RegisteredClaim.ClientId);
        return i;
    }

    /// <summary>For tests: where the issuer-layout lane stops in <paramref name="json"/>, or -1 outside the scan's preconditions.</summary>
    [SkipLocalsInit]
    internal static int ScanIssuerLayout(ReadOnlySpan<byte> json, ReadOnlySpan<byte> issuer, byte[][] audiences)
    {
        if (json.Length is < 2 or > MaxFlatLength)
        {
            return -1;
        }

        Span<ulong> quotes = stackalloc ulong[MaxFlatLength / 64];
        quotes = quotes[..((json.Length + 63) >> 6)];
        var slots = ClaimSlots.Empty;
        var seen = 0;
        return TryMarkQuotes(json, quotes, out _) ? ScanIssuerLayout(json[..^1], quotes, issuer, audiences, ref slots, ref seen) : -1;
    }

    /// <summary>Whether <paramref name="name"/> (separator, quoted name and colon) is at <paramref name="i"/>; the value's index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValueAfter(ReadOnlySpan<byte> body, int i, ReadOnlySpan<byte> name)
        => body[i..].StartsWith(name) ? i + name.Length : -1;

    /// <summary>The member <paramref name="name"/> at <paramref name="i"/> with a plain string value; on success, <paramref name="i"/> moves past it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadPlainString(
        ReadOnlySpan<byte> body, ReadOnlySpan<ulong> quotes, ref int i, ReadOnlySpan<byte> name, ref StringClaim slot, ref int seen, RegisteredClaim claim)
    {
        var start = ValueAfter(body, i, name);
        var end = start < 0 ? -1 : PlainStringEnd(body, quotes, start);
        if (end < 0)
        {
            return false;
        }

        slot = new StringClaim(start, end);
        seen |= 1 << (int)claim;
        i = end + 1;
        return true;
    }

    /// <summary>The member <paramref name="name"/> at <paramref name="i"/> with a NumericDate value, in milliseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ReadNumericDate(ReadOnlySpan<byte> body, ref int i, ReadOnlySpan<byte> name, ref long milliseconds, ref int seen, RegisteredClaim claim)
    {
        var start = ValueAfter(body, i, name);
        if (start < 0 || ScanNumericDate(body, start, out var value) is not (>= 0 and var end))
        {
            return false;
        }

        milliseconds = value;
        seen |= 1 << (int)claim;
        i = end;
        return true;
    }

    /// <summary>The <c>aud</c> member at <paramref name="i"/>: a string or an array of strings, matched against <paramref name="audiences"/>.</summary>
    private static bool ReadAudience(ReadOnlySpan<byte> body, ReadOnlySpan<ulong> quotes, ref int i, byte[][] audiences, ref ClaimSlots slots, ref int seen)
    {
        var start = ValueAfter(body, i, ",\"aud\":"u8);
        var matches = false;
        var end = start < 0 ? -1 : ScanValue(body, quotes, start, audiences, ref matches);
        if (end < 0)
        {
            return false;
        }

        slots.Aud = start;
        slots.AudienceMatches = matches;
        seen |= 1 << (int)RegisteredClaim.Aud;
        i = end;
        return true;
    }

    /// <summary>The <c>gen</c> member at <paramref name="i"/>, when it is there with an integer value.</summary>
    private static void ReadGeneration(ReadOnlySpan<byte> body, ref int i, ref ClaimSlots slots, ref int seen)
    {
        var start = ValueAfter(body, i, ",\"gen\":"u8);
        if (start >= 0 && ScanDigits(body, start, maxDigits: 18, out var generation) is var end and >= 0)
        {
            slots.Gen = generation;
            seen |= 1 << (int)RegisteredClaim.Gen;
            i = end;
        }
    }

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
        if (i < 0 || seconds >= MaxNumericDateSeconds)
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
