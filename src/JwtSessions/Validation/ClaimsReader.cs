using System.Runtime.CompilerServices;
using System.Text.Json;
using JwtSessions.Internal;

namespace JwtSessions.Validation;

/// <summary>
/// The claims reader (docs/validation.md, step 16): the full payload reader, <see cref="Utf8JsonReader"/> with duplicate
/// tracking at every level, which reads any strict JSON payload, type-checks the registered claims and decides every
/// rejection of a payload. <see cref="FlatPayloadScanner"/> is its fast path for flat payloads and is held to agree with it.
/// </summary>
internal static class ClaimsReader
{
    /// <summary>
    /// The full payload reader: any strict JSON (escapes, nesting up to <see cref="PayloadLimits.MaxJsonDepth"/>, duplicates caught at every
    /// level after unescaping), with the registered claims type-checked. <see cref="FlatPayloadScanner.TryScan"/> is its fast path.
    /// </summary>
    [SkipLocalsInit]
    internal static TokenValidationError Read(
        ReadOnlySpan<byte> json, Span<byte> scratch, ReadOnlySpan<byte> issuer, byte[][] audiences, out ClaimSlots slots)
    {
        slots = ClaimSlots.Empty;
        var invalidClaim = false;
        var half = scratch.Length / 2;
        var unescaped = scratch[half..];
        Span<int> entries = stackalloc int[2 * PayloadLimits.MaxMembers];
        Span<int> frames = stackalloc int[2 * (PayloadLimits.MaxJsonDepth + 1)];
        var names = new JsonNameSet(scratch[..half], entries, frames);
        scoped var reader = new Utf8JsonReader(json, PayloadLimits.ReaderOptions);
        try
        {
            if (!names.BeginObject(ref reader))
            {
                return TokenValidationError.Malformed;
            }

            JsonMember step;
            while ((step = names.NextMember(ref reader, unescaped, out var name)) != JsonMember.End)
            {
                if (step == JsonMember.Invalid)
                {
                    return TokenValidationError.Malformed;
                }

                var claim = RegisteredClaims.Match(name);
                switch (claim)
                {
                    case RegisteredClaim.Exp:
                        invalidClaim |= !TryReadNumericDate(ref reader, out slots.Exp);
                        break;
                    case RegisteredClaim.Iat:
                        invalidClaim |= !TryReadNumericDate(ref reader, out slots.Iat);
                        break;
                    case RegisteredClaim.Nbf:
                        invalidClaim |= !TryReadNumericDate(ref reader, out slots.Nbf);
                        break;
                    case RegisteredClaim.Iss:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out slots.Iss);
                        slots.IssuerMatches = slots.Iss.IsPresent && reader.ValueTextEquals(issuer);
                        break;
                    case RegisteredClaim.Aud:
                        invalidClaim |= !TryReadAudience(ref reader, unescaped, audiences, out slots.Aud, out slots.AudienceMatches);
                        break;
                    case RegisteredClaim.Sub or RegisteredClaim.Jti or RegisteredClaim.Sid or RegisteredClaim.Scope or RegisteredClaim.ClientId:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out RegisteredClaims.StringSlot(ref slots, claim));
                        break;
                    case RegisteredClaim.Gen:
                        invalidClaim |= !TryReadGeneration(ref reader, out slots.Gen);
                        break;
                    case RegisteredClaim.Cnf:
                        slots.Bound = true;
                        invalidClaim |= !TryReadConfirmation(ref reader, ref names, unescaped);
                        break;
                }

                if (invalidClaim)
                {
                    return TokenValidationError.InvalidClaim;
                }
            }
        }
        catch (JsonException)
        {
            return TokenValidationError.Malformed;
        }
        catch (InvalidOperationException)
        {
            // Raised by CopyString for an escaped lone surrogate.
            return TokenValidationError.Malformed;
        }

        return TokenValidationError.None;
    }

    /// <summary>
    /// A NumericDate (RFC 7519 §2): a JSON number, finite, 0 &lt;= v &lt; year 10000, fractions allowed. Strings, booleans, null,
    /// 1e309 (+Infinity) and 2^63 all fail; the value is kept in milliseconds so fractions are not rounded toward acceptance.
    /// </summary>
    internal static bool TryReadNumericDate(scoped ref Utf8JsonReader reader, out long milliseconds)
    {
        milliseconds = ClaimSlots.Missing;
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        if (reader.TryGetInt64(out var seconds))
        {
            if (seconds is < 0 or >= PayloadLimits.MaxNumericDateSeconds)
            {
                return false;
            }

            milliseconds = seconds * 1000;
            return true;
        }

        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value) || value < 0 || value >= PayloadLimits.MaxNumericDateSeconds)
        {
            return false;
        }

        milliseconds = (long)Math.Floor(value * 1000);
        return true;
    }

    /// <summary>
    /// <c>cnf</c> (RFC 7800 §3.1) is an object; its <c>jkt</c> (RFC 9449 §6.1), when present, a string. Other confirmation
    /// methods (<c>x5t#S256</c>, <c>jwk</c>) are walked like any member: the token is still bound, to nothing this library checks.
    /// Names inside go through <paramref name="names"/> (duplicates, unescaping); the walk ends at the object's closing brace.
    /// </summary>
    private static bool TryReadConfirmation(scoped ref Utf8JsonReader reader, scoped ref JsonNameSet names, Span<byte> unescaped)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        if (!names.PushObject())
        {
            throw new JsonException("The payload is nested too deeply.");
        }

        var valid = true;
        JsonMember step;
        while ((step = names.NextMember(ref reader, unescaped, depth: 2, out var name)) == JsonMember.Found)
        {
            if (name.SequenceEqual("jkt"u8) && !TryReadString(ref reader, unescaped, out _))
            {
                valid = false;
                if (reader.TokenType == JsonTokenType.StartObject && !names.PushObject())
                {
                    throw new JsonException("The payload is nested too deeply.");
                }
            }
        }

        // A duplicate name inside is malformed, as anywhere else in the payload.
        return step == JsonMember.End ? valid : throw new JsonException("A name repeats in the confirmation.");
    }

    private static bool TryReadGeneration(scoped ref Utf8JsonReader reader, out long generation)
    {
        generation = ClaimSlots.Missing;
        return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out generation) && generation >= 0;
    }

    /// <summary>Reads a string value and remembers where it is; escapes are validated (lone surrogates fail).</summary>
    private static bool TryReadString(scoped ref Utf8JsonReader reader, Span<byte> unescaped, out StringClaim slot)
    {
        slot = StringClaim.Absent;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        var start = (int)reader.TokenStartIndex;
        if (reader.ValueIsEscaped)
        {
            reader.CopyString(unescaped);
            slot = new StringClaim(start, RawEnd: -1);
        }
        else
        {
            slot = new StringClaim(start, start + 1 + reader.ValueSpan.Length);
        }

        return true;
    }

    /// <summary><c>aud</c> is a string or an array of strings (RFC 7519 §4.1.3); anything else is an invalid claim.</summary>
    private static bool TryReadAudience(
        scoped ref Utf8JsonReader reader, Span<byte> unescaped, byte[][] audiences, out int start, out bool matches)
    {
        matches = false;
        start = -1;
        if (!reader.Read())
        {
            return false;
        }

        start = (int)reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueIsEscaped)
            {
                reader.CopyString(unescaped);
            }

            matches = MatchesAudience(ref reader, audiences);
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return false;
            }

            if (reader.ValueIsEscaped)
            {
                reader.CopyString(unescaped);
            }

            matches |= MatchesAudience(ref reader, audiences);
        }

        return true;
    }

    private static bool MatchesAudience(scoped ref Utf8JsonReader reader, byte[][] audiences)
    {
        foreach (var audience in audiences)
        {
            if (reader.ValueTextEquals(audience))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The unescaped UTF-8 of a string claim: its raw bytes when it has no escape (always, after the flat reader), else
    /// unescaped into <paramref name="unescaped"/>.
    /// </summary>
    internal static ReadOnlySpan<byte> StringValue(ReadOnlySpan<byte> json, StringClaim slot, Span<byte> unescaped)
        => slot.TryRaw(json, out var raw) ? raw : Unescape(json, slot.Start, unescaped);

    /// <summary>Unescapes the string value at <paramref name="start"/> into <paramref name="destination"/> (a payload long is enough).</summary>
    internal static ReadOnlySpan<byte> Unescape(ReadOnlySpan<byte> json, int start, Span<byte> destination)
    {
        var reader = new Utf8JsonReader(json[start..]);
        reader.Read();
        return destination[..reader.CopyString(destination)];
    }
}
