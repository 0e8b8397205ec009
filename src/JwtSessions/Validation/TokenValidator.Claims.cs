using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using JwtSessions.Internal;
using JwtSessions.Revocation;

namespace JwtSessions.Validation;

public sealed partial class TokenValidator
{
    // 9999-12-31T23:59:59Z + 1 s: a NumericDate beyond it is out of range (SECURITY.md §1.5 item 25).
    private const long MaxNumericDateSeconds = 253_402_300_800;
    private const long Missing = long.MinValue;

    /// <summary>Reads and checks the claims of a payload whose signature has verified.</summary>
    [SkipLocalsInit]
    private TokenValidationError ReadClaims(ReadOnlySpan<byte> json, Span<byte> scratch, out TokenClaims? claims)
    {
        claims = null;
        if (!Utf8.IsValid(json))
        {
            return TokenValidationError.Malformed;
        }

        long exp = Missing, nbf = Missing, iat = Missing, gen = Missing;
        int iss = -1, sub = -1, jti = -1, sid = -1, scope = -1, clientId = -1, aud = -1;
        bool issuerMatches = false, audienceMatches = false, invalidClaim = false;

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

                switch (MatchRegisteredClaim(name))
                {
                    case RegisteredClaim.Exp:
                        invalidClaim |= !TryReadNumericDate(ref reader, out exp);
                        break;
                    case RegisteredClaim.Iat:
                        invalidClaim |= !TryReadNumericDate(ref reader, out iat);
                        break;
                    case RegisteredClaim.Nbf:
                        invalidClaim |= !TryReadNumericDate(ref reader, out nbf);
                        break;
                    case RegisteredClaim.Iss:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out iss);
                        issuerMatches = iss >= 0 && reader.ValueTextEquals(_issuer);
                        break;
                    case RegisteredClaim.Aud:
                        invalidClaim |= !TryReadAudience(ref reader, unescaped, out aud, out audienceMatches);
                        break;
                    case RegisteredClaim.Sub:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out sub);
                        break;
                    case RegisteredClaim.Jti:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out jti);
                        break;
                    case RegisteredClaim.Sid:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out sid);
                        break;
                    case RegisteredClaim.Scope:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out scope);
                        break;
                    case RegisteredClaim.ClientId:
                        invalidClaim |= !TryReadString(ref reader, unescaped, out clientId);
                        break;
                    case RegisteredClaim.Gen:
                        invalidClaim |= !TryReadGeneration(ref reader, out gen);
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

        if (exp == Missing || iat == Missing || iss < 0 || aud < 0 || sub < 0 || jti < 0
            || (_requireSessionId && sid < 0) || (_requireGeneration && gen == Missing))
        {
            return TokenValidationError.MissingClaim;
        }

        if (!issuerMatches)
        {
            return TokenValidationError.WrongIssuer;
        }

        if (!audienceMatches)
        {
            return TokenValidationError.WrongAudience;
        }

        var error = CheckLifetime(exp, nbf == Missing ? null : nbf, iat, _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (error != TokenValidationError.None)
        {
            return error;
        }

        if (sid >= 0)
        {
            error = CheckRevocation(RawString(json, sid, unescaped));
            if (error != TokenValidationError.None)
            {
                return error;
            }
        }

        // The one allocation of a successful validation: the claims keep the payload and where each claim starts, and make
        // their strings only when asked (docs/benchmarks.md).
        claims = new TokenClaims(
            json.ToArray(),
            iss,
            sub,
            jti,
            sid,
            aud,
            scope,
            clientId,
            exp,
            iat,
            nbf == Missing ? null : nbf,
            gen == Missing ? null : gen);
        return TokenValidationError.None;
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

    /// <summary>Reads a string value and remembers where it starts; escapes are validated (lone surrogates fail).</summary>
    private static bool TryReadString(scoped ref Utf8JsonReader reader, Span<byte> unescaped, out int start)
    {
        start = -1;
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueIsEscaped)
        {
            reader.CopyString(unescaped);
        }

        start = (int)reader.TokenStartIndex;
        return true;
    }

    /// <summary><c>aud</c> is a string or an array of strings (RFC 7519 §4.1.3); anything else is an invalid claim.</summary>
    private bool TryReadAudience(scoped ref Utf8JsonReader reader, Span<byte> unescaped, out int start, out bool matches)
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

            matches = MatchesAudience(ref reader);
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

            matches |= MatchesAudience(ref reader);
        }

        return true;
    }

    private bool MatchesAudience(scoped ref Utf8JsonReader reader)
    {
        foreach (var audience in _audiences)
        {
            if (reader.ValueTextEquals(audience))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The unescaped UTF-8 of the string value at <paramref name="start"/>; escaped values go through <paramref name="unescaped"/>.</summary>
    private static ReadOnlySpan<byte> RawString(ReadOnlySpan<byte> json, int start, Span<byte> unescaped)
    {
        var reader = new Utf8JsonReader(json[start..]);
        reader.Read();
        return reader.ValueIsEscaped ? unescaped[..reader.CopyString(unescaped)] : reader.ValueSpan;
    }

    private TokenValidationResult CheckCached(TokenClaims claims)
    {
        var error = CheckLifetime(
            claims.ExpiresAtUnixMilliseconds,
            claims.NotBeforeUnixMilliseconds,
            claims.IssuedAtUnixMilliseconds,
            _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (error == TokenValidationError.None)
        {
            error = CheckRevocation(claims.SessionId);
        }

        return error == TokenValidationError.None ? new TokenValidationResult(claims) : TokenValidationResult.Fail(error);
    }
}
