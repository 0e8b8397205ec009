namespace JwtSessions.Sessions;

/// <summary>Why a session was revoked.</summary>
public enum SessionEndReason
{
    /// <summary>The user logged out of this session.</summary>
    Logout = 1,

    /// <summary>The user logged out everywhere: every session of the subject was revoked.</summary>
    LogoutEverywhere,

    /// <summary>A refresh token was replayed: the session is presumed stolen.</summary>
    RefreshTokenReuse,

    /// <summary>The user re-authenticated or changed privilege and got a new session id (fixation defence).</summary>
    Reauthenticated,

    /// <summary>The subject reached its cap of active sessions and this was the oldest.</summary>
    SessionLimit,

    /// <summary>An administrator or the application revoked the session.</summary>
    Administrative,

    /// <summary>A refresh came with a request context (device id, user agent) that the <see cref="SessionContextPolicy"/> answers with revocation.</summary>
    ContextChanged,

    /// <summary>
    /// A refresh token of a DPoP-bound session was presented without a proof of the session's key, or with a valid proof of
    /// another key: the token left the client without its key (theft detection, docs/dpop.md).
    /// </summary>
    DpopKeyMismatch,
}
