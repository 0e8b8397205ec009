using System.Runtime.CompilerServices;

namespace JwtSessions.Validation;

/// <content>
/// The fast payload reader. Access-token payloads are flat objects of plain strings, integers and arrays of them; for those a
/// single forward scan finds every claim in a fraction of what a general JSON reader with duplicate tracking costs, and that
/// difference is most of the cost of a validation above the MAC itself (docs/benchmarks.md).
/// </content>
public sealed partial class TokenValidator
{
    private const int MaxFlatMembers = 32;

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
    /// compares the two on every payload of the adversarial corpus and on mutations of them). The caller checked UTF-8 validity.
    /// </remarks>
    /// <returns><see langword="true"/> with the slots filled, or <see langword="false"/> to decline.</returns>
    [SkipLocalsInit]
    internal static bool TryScanFlatClaims(ReadOnlySpan<byte> json, ReadOnlySpan<byte> issuer, byte[][] audiences, out ClaimSlots slots)
    {
        slots = ClaimSlots.Empty;

        // No control character anywhere: none may appear raw in a string (RFC 8259 §7), and the only legal ones, whitespace
        // between tokens, are left to the full reader. Strings then end at the first quote or backslash.
        if (json.Length < 2 || json[0] != '{' || json[^1] != '}' || json.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0)
        {
            return false;
        }

        // Everything between the braces; every index below stays inside it.
        var body = json[..^1];
        Span<int> nameStarts = stackalloc int[MaxFlatMembers];
        Span<int> fingerprints = stackalloc int[MaxFlatMembers];
        int others = 0, seen = 0;
        var i = SkipWhitespace(body, 1);
        if (i == body.Length)
        {
            return true;
        }

        while (true)
        {
            if (i >= body.Length || body[i] != '"')
            {
                return false;
            }

            var nameEnd = PlainStringEnd(body, i);
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
                    i = PlainStringEnd(body, i) + 1;
                    slots.Iss = valueStart;
                    slots.IssuerMatches = i > 0 && body[(valueStart + 1)..(i - 1)].SequenceEqual(issuer);
                    break;
                case RegisteredClaim.Sub:
                    i = PlainStringEnd(body, i) + 1;
                    slots.Sub = valueStart;
                    break;
                case RegisteredClaim.Jti:
                    i = PlainStringEnd(body, i) + 1;
                    slots.Jti = valueStart;
                    break;
                case RegisteredClaim.Sid:
                    i = PlainStringEnd(body, i) + 1;
                    slots.Sid = valueStart;
                    break;
                case RegisteredClaim.Scope:
                    i = PlainStringEnd(body, i) + 1;
                    slots.Scope = valueStart;
                    break;
                case RegisteredClaim.ClientId:
                    i = PlainStringEnd(body, i) + 1;
                    slots.ClientId = valueStart;
                    break;
                case RegisteredClaim.Aud:
                    i = ScanValue(body, i, audiences, ref slots.AudienceMatches);
                    slots.Aud = valueStart;
                    break;
                default:
                    var ignored = false;
                    i = ScanValue(body, i, audiences: null, ref ignored);
                    break;
            }

            // A failed scan leaves i at 0 (end -1, plus one) or below: nothing valid ends there.
            if (i <= 0)
            {
                return false;
            }

            i = SkipWhitespace(body, i);
            if (i == body.Length)
            {
                return true;
            }

            if (body[i] != ',')
            {
                return false;
            }

            i = SkipWhitespace(body, i + 1);
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
    private static int PlainStringEnd(ReadOnlySpan<byte> json, int i)
    {
        if ((uint)i >= (uint)json.Length || json[i] != '"')
        {
            return -1;
        }

        // The caller ruled out control characters in the whole payload, so the first quote or backslash decides. Claim strings
        // are short: a plain loop beats setting up a vectorized search for each.
        for (i++; (uint)i < (uint)json.Length; i++)
        {
            var c = json[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\')
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>
    /// An unsigned integer of at most <paramref name="maxDigits"/> digits and no leading zero: the index after it, or -1. A
    /// fraction or exponent after the digits is left to the caller, whose delimiter check then declines it.
    /// </summary>
    private static int ScanDigits(ReadOnlySpan<byte> json, int i, int maxDigits, out long value)
    {
        value = ClaimSlots.Missing;
        var start = i;
        long v = 0;
        while ((uint)i < (uint)json.Length && (uint)(json[i] - '0') <= 9)
        {
            if (i - start == maxDigits)
            {
                return -1;
            }

            v = (v * 10) + (json[i] - '0');
            i++;
        }

        var digits = i - start;
        if (digits == 0 || (digits > 1 && json[start] == '0'))
        {
            return -1;
        }

        value = v;
        return i;
    }

    /// <summary>A NumericDate in whole seconds below year 10000, as milliseconds; anything else is left to the full reader.</summary>
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
    private static int ScanValue(ReadOnlySpan<byte> json, int i, byte[][]? audiences, ref bool matches)
    {
        if ((uint)i >= (uint)json.Length || json[i] != '[')
        {
            return ScanElement(json, i, audiences, ref matches);
        }

        i = SkipWhitespace(json, i + 1);
        if ((uint)i < (uint)json.Length && json[i] == ']')
        {
            return i + 1;
        }

        while (true)
        {
            i = ScanElement(json, i, audiences, ref matches);
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
    private static int ScanElement(ReadOnlySpan<byte> json, int i, byte[][]? audiences, ref bool matches)
    {
        if (audiences is null)
        {
            return ScanScalar(json, i);
        }

        var end = PlainStringEnd(json, i);
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

    private static int ScanScalar(ReadOnlySpan<byte> json, int i)
    {
        if ((uint)i >= (uint)json.Length)
        {
            return -1;
        }

        switch (json[i])
        {
            case (byte)'"':
                var end = PlainStringEnd(json, i);
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
