using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;

using JwtSessions.Validation;

namespace JwtSessions.Internal;

/// <summary>
/// The payload scanner (docs/validation.md, step 16, "How"): the fast payload reader. Access-token payloads are flat objects
/// of plain strings, integers and arrays of them; for those a single forward scan finds every claim in a fraction of what a
/// general JSON reader with duplicate tracking costs, and that difference is most of the cost of a validation above the MAC
/// itself (docs/benchmarks.md). Self-contained: it reads bytes and fills <see cref="ClaimSlots"/>, and never rejects;
/// <see cref="ClaimsReader"/> decides whatever it declines.
/// </summary>
internal static partial class FlatPayloadScanner
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
    /// It never decides a rejection. On anything outside the subset, valid or not, it declines and <see cref="ClaimsReader.Read"/>
    /// reads the payload instead; on anything inside, the slots are exactly those <see cref="ClaimsReader.Read"/> would give (a test
    /// compares the two on every payload of the adversarial corpus and on mutations of them).
    /// </remarks>
    /// <returns><see langword="true"/> with the slots filled, or <see langword="false"/> to decline.</returns>
    [SkipLocalsInit]
    internal static bool TryScan(ReadOnlySpan<byte> json, ReadOnlySpan<byte> issuer, byte[][] audiences, out ClaimSlots slots)
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
            var claim = RegisteredClaims.Match(name);
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
                    RegisteredClaims.StringSlot(ref slots, claim) = new StringClaim(valueStart, i - 1);
                    break;
                case RegisteredClaim.Aud:
                    i = ScanValue(body, quotes, i, audiences, ref slots.AudienceMatches);
                    slots.Aud = valueStart;
                    break;
                case RegisteredClaim.Cnf:
                    // A confirmation binds the token to a key (RFC 9449 §6): the full reader reads it, whatever its form.
                    return false;
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
    /// Reads the members <see cref="Issuance.TokenIssuer"/> writes, in the order and spelling <see cref="IssuerPayloadLayout"/>
    /// describes for both, for as long as the payload follows that layout. Each name is one comparison with a constant and each value is read by the general loop's
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
        if (!ReadPlainString(body, quotes, ref i, IssuerPayloadLayout.Iss, ref slots.Iss, ref seen, RegisteredClaim.Iss))
        {
            return i;
        }

        slots.IssuerMatches = slots.Iss.TryRaw(body, out var iss) && iss.SequenceEqual(issuer);
        if (!ReadPlainString(body, quotes, ref i, IssuerPayloadLayout.Sub, ref slots.Sub, ref seen, RegisteredClaim.Sub)
            || !ReadAudience(body, quotes, ref i, audiences, ref slots, ref seen)
            || !ReadNumericDate(body, ref i, IssuerPayloadLayout.Exp, ref slots.Exp, ref seen, RegisteredClaim.Exp)
            || !ReadNumericDate(body, ref i, IssuerPayloadLayout.Iat, ref slots.Iat, ref seen, RegisteredClaim.Iat)
            || !ReadNumericDate(body, ref i, IssuerPayloadLayout.Nbf, ref slots.Nbf, ref seen, RegisteredClaim.Nbf)
            || !ReadPlainString(body, quotes, ref i, IssuerPayloadLayout.Jti, ref slots.Jti, ref seen, RegisteredClaim.Jti))
        {
            return i;
        }

        // The optional members, each in its place or absent.
        ReadPlainString(body, quotes, ref i, IssuerPayloadLayout.Sid, ref slots.Sid, ref seen, RegisteredClaim.Sid);
        ReadGeneration(body, ref i, ref slots, ref seen);
        ReadPlainString(body, quotes, ref i, IssuerPayloadLayout.Scope, ref slots.Scope, ref seen, RegisteredClaim.Scope);
        ReadPlainString(body, quotes, ref i, IssuerPayloadLayout.ClientId, ref slots.ClientId, ref seen, RegisteredClaim.ClientId);
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
        var start = ValueAfter(body, i, IssuerPayloadLayout.Aud);
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
        var start = ValueAfter(body, i, IssuerPayloadLayout.Gen);
        if (start >= 0 && ScanDigits(body, start, maxDigits: 18, out var generation) is var end and >= 0)
        {
            slots.Gen = generation;
            seen |= 1 << (int)RegisteredClaim.Gen;
            i = end;
        }
    }
}
