namespace JwtSessions.Sessions;

/// <summary>A token pair for one session: a short-lived access token and the refresh token that rotates it.</summary>
/// <remarks><see cref="ToString"/> leaves both tokens out, so logging this object never leaks a credential.</remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class SessionTokens
{
    internal SessionTokens(
        string sessionId,
        string subject,
        string accessToken,
        DateTimeOffset accessTokenExpiresAt,
        string refreshToken,
        DateTimeOffset refreshTokenExpiresAt,
        long generation,
        string? keyThumbprint)
    {
        SessionId = sessionId;
        Subject = subject;
        AccessToken = accessToken;
        AccessTokenExpiresAt = accessTokenExpiresAt;
        RefreshToken = refreshToken;
        RefreshTokenExpiresAt = refreshTokenExpiresAt;
        Generation = generation;
        KeyThumbprint = keyThumbprint;
    }

    /// <summary>Gets the session id (also the access token's <c>sid</c>).</summary>
    public string SessionId { get; }

    /// <summary>Gets the subject.</summary>
    public string Subject { get; }

    /// <summary>Gets the access token, sent as <c>Authorization: Bearer</c>, or as <c>Authorization: DPoP</c> with a proof when <see cref="IsDpopBound"/>.</summary>
    public string AccessToken { get; }

    /// <summary>Gets when the access token expires.</summary>
    public DateTimeOffset AccessTokenExpiresAt { get; }

    /// <summary>Gets the refresh token; it works once.</summary>
    public string RefreshToken { get; }

    /// <summary>Gets when the refresh token expires: never after the session's idle or absolute deadline.</summary>
    public DateTimeOffset RefreshTokenExpiresAt { get; }

    /// <summary>Gets the refresh token's generation.</summary>
    public long Generation { get; }

    /// <summary>
    /// Gets the RFC 7638 thumbprint of the DPoP key the session is bound to (the access token's <c>cnf.jkt</c>), or
    /// <see langword="null"/> for a bearer session. A thumbprint is public: it names the key, it cannot prove possession of it.
    /// </summary>
    public string? KeyThumbprint { get; }

    /// <summary>
    /// Gets a value indicating whether the tokens are bound to a DPoP key: the access token is then presented with the
    /// <c>DPoP</c> scheme and a proof, and a token response names its type <c>DPoP</c> (RFC 9449 §5).
    /// </summary>
    public bool IsDpopBound => KeyThumbprint is not null;

    /// <inheritdoc />
    public override string ToString() => $"session {SessionId} (sub {Subject}, generation {Generation})";
}
