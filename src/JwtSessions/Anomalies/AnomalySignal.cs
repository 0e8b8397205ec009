namespace JwtSessions.Anomalies;

/// <summary>A rejected request an <see cref="AnomalyDetector"/> counts against a client key.</summary>
public enum AnomalySignal
{
    /// <summary>An access token failed validation for another reason than those below (malformed, expired, wrong audience...): counts towards a flood only.</summary>
    InvalidAccessToken = 1,

    /// <summary>An access token with a bad signature, an unknown key or a revoked session: counts towards brute force and a flood.</summary>
    ForgedAccessToken,

    /// <summary>A refresh token that failed validation (forged, garbage): counts towards brute force and a flood.</summary>
    ForgedRefreshToken,

    /// <summary>A valid refresh token naming a session the store does not know: counts towards brute force and a flood.</summary>
    UnknownSession,

    /// <summary>A valid refresh token of a revoked session: counts towards brute force and a flood.</summary>
    RevokedSession,

    /// <summary>A replayed refresh token (the session was revoked for it): raises <see cref="AnomalyKind.TokenTheft"/> at once, and counts towards a flood.</summary>
    RefreshTokenReuse,

    /// <summary>
    /// A valid refresh token presented from another context than its session's (user agent, network, device), which the
    /// session's <see cref="Sessions.SessionContextPolicy"/> answered with step-up or revocation
    /// (<see cref="Sessions.RefreshStatus.StepUpRequired"/>, <see cref="Sessions.RefreshStatus.ContextRevoked"/>): counts
    /// towards brute force and a flood, since one client presenting many sessions' refresh tokens from elsewhere is what a
    /// thief with a stolen batch of them looks like.
    /// </summary>
    ContextChange,
}
