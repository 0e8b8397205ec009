using JwtSessions.Revocation;

namespace JwtSessions.Validation;

/// <summary>
/// The claim checks (docs/validation.md, steps 17 to 19) on what a payload reader found, or on a cached token's claims:
/// required claims, non-empty identifiers, issuer, audience, lifetime and revocation, in that order. Built once by a
/// <see cref="TokenValidator"/> from its options; immutable.
/// </summary>
internal sealed class ClaimChecks
{
    private readonly long _skewMs;
    private readonly long? _maxAgeMs;
    private readonly TimeProvider _time;
    private readonly RevocationList? _revocations;
    private readonly RevocationFailureMode _revocationFailureMode;
    private readonly bool _requireSessionId;
    private readonly bool _requireGeneration;

    public ClaimChecks(
        long skewMs, long? maxAgeMs, TimeProvider time, RevocationList? revocations, RevocationFailureMode revocationFailureMode, bool requireSessionId, bool requireGeneration)
    {
        _skewMs = skewMs;
        _maxAgeMs = maxAgeMs;
        _time = time;
        _revocations = revocations;
        _revocationFailureMode = revocationFailureMode;
        _requireSessionId = requireSessionId;
        _requireGeneration = requireGeneration;
    }

    /// <summary>The checks on what either reader found: required claims, issuer, audience, lifetime, revocation.</summary>
    internal TokenValidationError Check(ReadOnlySpan<byte> json, in ClaimSlots slots, Span<byte> unescaped)
    {
        if (slots.Exp == ClaimSlots.Missing || slots.Iat == ClaimSlots.Missing || !slots.Iss.IsPresent || slots.Aud < 0 || !slots.Sub.IsPresent
            || !slots.Jti.IsPresent || (_requireSessionId && !slots.Sid.IsPresent) || (_requireGeneration && slots.Gen == ClaimSlots.Missing))
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

        var error = CheckLifetime(slots.Exp, slots.Nbf == ClaimSlots.Missing ? null : slots.Nbf, slots.Iat, _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (error != TokenValidationError.None)
        {
            return error;
        }

        return slots.Sid.IsPresent ? CheckRevocation(ClaimsReader.StringValue(json, slots.Sid, unescaped)) : TokenValidationError.None;
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

    internal TokenValidationError CheckCached(TokenClaims claims)
    {
        var error = CheckLifetime(
            claims.ExpiresAtUnixMilliseconds,
            claims.NotBeforeUnixMilliseconds,
            claims.IssuedAtUnixMilliseconds,
            _time.GetUtcNow().ToUnixTimeMilliseconds());
        return error == TokenValidationError.None ? CheckRevocation(claims.SessionId) : error;
    }
}
