namespace JwtSessions.Sessions;

/// <summary>The outcome of a refresh.</summary>
public enum RefreshStatus
{
    /// <summary>The refresh token was current: the session advanced one generation and a new pair was issued.</summary>
    Rotated = 1,

    /// <summary>
    /// The refresh token was the immediately previous generation, presented within the grace period (a concurrent refresh or
    /// a lost response): the current generation was re-issued, nothing was revoked and the session did not fork.
    /// </summary>
    GraceReissued,

    /// <summary>The refresh token failed validation (forged, garbage, wrong type, issuer or key, expired); no store call was made.</summary>
    InvalidToken,

    /// <summary>The session is unknown to the store.</summary>
    UnknownSession,

    /// <summary>The session is past its idle or absolute deadline.</summary>
    SessionExpired,

    /// <summary>The session was revoked (logout, log out everywhere, re-authentication, an earlier reuse).</summary>
    SessionRevoked,

    /// <summary>An old refresh token was replayed: the whole session has just been revoked (theft detection).</summary>
    ReuseDetected,

    /// <summary>
    /// The request's context changed from the session's (<see cref="SessionContextPolicy"/>) and the policy asks for step-up:
    /// nothing was rotated or issued, the session is intact. Re-authenticate the user, then start a new session.
    /// </summary>
    StepUpRequired,

    /// <summary>
    /// The request's context changed from the session's and the policy revokes: the session has just been revoked
    /// (<see cref="SessionEndReason.ContextChanged"/>) before anything was rotated or issued.
    /// </summary>
    ContextRevoked,
}
