using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using JwtSessions.Internal;
using JwtSessions.Revocation;

namespace JwtSessions.Validation;

public sealed partial class TokenValidator
{
    // 9999-12-31T23:59:59Z + 1 s: a NumericDate beyond it is out of range (docs/security.md, checklist item 25).
    private const long MaxNumericDateSeconds = 253_402_300_800;
    private const long Missing = long.MinValue;

    /// <summary>Reads and checks the claims of a payload whose signature has verified.</summary>
    /// <param name="json">The decoded payload.</param>
    /// <param name="slots">Where each claim is, when the result is <see cref="TokenValidationError.None"/>.</param>
    private TokenValidationError ReadClaims(ReadOnlySpan<byte> json, out ClaimSlots slots)
    {
        // The flat reader's strings have no escapes, so the checks never need room to unescape one. It checks UTF-8 itself,
        // and only when a byte is not ASCII.
        if (TryScanFlatClaims(json, _issuer, _audiences, out slots))
        {
            return CheckClaims(json, slots, unescaped: default);
        }

        if (!Utf8.IsValid(json))
        {
            slots = default;
            return TokenValidationError.Malformed;
        }

        return ReadAndCheckClaimsFully(json, out slots);
    }

    /// <summary>The full reader's way, with scratch for unescaped names and strings on the stack or rented.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TokenValidationError ReadAndCheckClaimsFully(ReadOnlySpan<byte> json, out ClaimSlots slots)
    {
        byte[]? rented = null;
        var scratch = json.Length <= StackThreshold
            ? stackalloc byte[2 * StackThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(2 * json.Length));
        try
        {
            scratch = scratch[..(2 * json.Length)];
            var error = ReadClaimSlots(json, scratch, _issuer, _audiences, out slots);
            return error != TokenValidationError.None ? error : CheckClaims(json, slots, scratch[json.Length..]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>
    /// The full payload reader: any strict JSON (escapes, nesting up to <see cref="MaxJsonDepth"/>, duplicates caught at every
    /// level after unescaping), with the registered claims type-checked. <see cref="TryScanFlatClaims"/> is its fast path.
    /// </summary>
    [SkipLocalsInit]
    internal static TokenValidationError ReadClaimSlots(
        ReadOnlySpan<byte> json, Span<byte> scratch, ReadOnlySpan<byte> issuer, byte[][] audiences, out ClaimSlots slots)
    {
        slots = ClaimSlots.Empty;
        var invalidClaim = false;
        var half = scratch.Length / 2;
        var unescaped = scratch[half..];
        Span<int> entries = stackalloc int[2 * MaxMembers];
        Span<int> frames = stackalloc int[2 * (MaxJsonDepth + 1)];
        var names = new JsonNameSet(scratch[..half], entries, frames);
        scoped var reader = new Utf8JsonReader(json, s_readerOptions);
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

                var claim = MatchRegisteredClaim(name);
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
                        invalidClaim |= !TryReadString(ref reader, unescaped, out StringSlot(ref slots, claim));
                        break;
                    case RegisteredClaim.Gen:
                        invalidClaim |= !TryReadGeneration(ref reader, out slots.Gen);
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

    /// <summary>The checks on what either reader found: required claims, issuer, audience, lifetime, revocation.</summary>
    private TokenValidationError CheckClaims(ReadOnlySpan<byte> json, in ClaimSlots slots, Span<byte> unescaped)
    {
        if (slots.Exp == Missing || slots.Iat == Missing || !slots.Iss.IsPresent || slots.Aud < 0 || !slots.Sub.IsPresent
            || !slots.Jti.IsPresent || (_requireSessionId && !slots.Sid.IsPresent) || (_requireGeneration && slots.Gen == Missing))
        {
            return TokenValidationError.MissingClaim;
        }

        // An empty subject, token id or session id names nobody and nothing (TokenIssuer never writes one); an application
        // that keys users or sessions by them must never see "".
        if (slots.Sub.IsEmptyString || slots.Jti.IsEmptyString || slots.Sid.IsEmptyString)
        {
            return TokenValidationError.InvalidClaim;
        }

        if (!slots.IssuerMatches)
        {
            return TokenValidationError.WrongIssuer;
        }

        if (!slots.AudienceMatches)
        {
            return TokenValidationError.WrongAudience;
        }

        var error = CheckLifetime(slots.Exp, slots.Nbf == Missing ? null : slots.Nbf, slots.Iat, _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (error != TokenValidationError.None)
        {
            return error;
        }

        return slots.Sid.IsPresent ? CheckRevocation(StringValue(json, slots.Sid, unescaped)) : TokenValidationError.None;
    }

    /// <summary>exp, nbf, iat and age, all in Unix milliseconds. Every operand is below 2^48, so nothing can overflow.</summary>
    private TokenValidationError CheckLifetime(long exp, long? nbf, long iat, long now)
    {
        // RFC 7519 §4.1.4: accept only while now < exp (+ skew).
        if (now >= exp + _skewMs)
        {
            return TokenValidationError.Expired;
        }

        if (nbf is { } notBefore && now + _skewMs < notBefore)
        {
            return TokenValidationError.NotYetValid;
        }

        if (iat > now + _skewMs)
        {
            return TokenValidationError.IssuedInFuture;
        }

        if (_maxAgeMs is { } maxAge && now - iat > maxAge + _skewMs)
        {
            return TokenValidationError.TooOld;
        }

        return TokenValidationError.None;
    }

    private TokenValidationError CheckRevocation(ReadOnlySpan<byte> sessionIdUtf8)
        => RevocationsToConsult(out var error) is { } revocations && revocations.Contains(sessionIdUtf8) ? TokenValidationError.Revoked : error;

    private TokenValidationError CheckRevocation(string? sessionId)
    {
        if (sessionId is null)
        {
            return TokenValidationError.None;
        }

        return RevocationsToConsult(out var error) is { } revocations && revocations.Contains(sessionId) ? TokenValidationError.Revoked : error;
    }

    /// <summary>
    /// The revocation list to look the session up in, or <see langword="null"/> when there is none or its feed is down; then
    /// <paramref name="error"/> says whether that rejects the token (<see cref="RevocationFailureMode.Reject"/>) or not.
    /// </summary>
    private Revocation.RevocationList? RevocationsToConsult(out TokenValidationError error)
    {
        error = TokenValidationError.None;
        if (_revocations is not { } revocations)
        {
            return null;
        }

        if (!revocations.IsAvailable && _revocationFailureMode == RevocationFailureMode.Reject)
        {
            error = TokenValidationError.RevocationUnavailable;
            return null;
        }

        return revocations;
    }

    /// <summary>
    /// A NumericDate (RFC 7519 §2): a JSON number, finite, 0 &lt;= v &lt; year 10000, fractions allowed. Strings, booleans, null,
    /// 1e309 (+Infinity) and 2^63 all fail; the value is kept in milliseconds so fractions are not rounded toward acceptance.
    /// </summary>
    private static bool TryReadNumericDate(scoped ref Utf8JsonReader reader, out long milliseconds)
    {
        milliseconds = Missing;
        if (!reader.Read() || reader.TokenType != JsonTokenType.Number)
        {
            return false;
        }

        if (reader.TryGetInt64(out var seconds))
        {
            if (seconds is < 0 or >= MaxNumericDateSeconds)
            {
                return false;
            }

            milliseconds = seconds * 1000;
            return true;
        }

        if (!reader.TryGetDouble(out var value) || !double.IsFinite(value) || value < 0 || value >= MaxNumericDateSeconds)
        {
            return false;
        }

        milliseconds = (long)Math.Floor(value * 1000);
        return true;
    }

    private static bool TryReadGeneration(scoped ref Utf8JsonReader reader, out long generation)
    {
        generation = Missing;
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

    private TokenValidationError CheckCached(TokenClaims claims)
    {
        var error = CheckLifetime(
            claims.ExpiresAtUnixMilliseconds,
            claims.NotBeforeUnixMilliseconds,
            claims.IssuedAtUnixMilliseconds,
            _time.GetUtcNow().ToUnixTimeMilliseconds());
        return error == TokenValidationError.None ? CheckRevocation(claims.SessionId) : error;
    }
}
