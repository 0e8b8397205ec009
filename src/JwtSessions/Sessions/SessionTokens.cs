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
        long generation)
    {
        SessionId = sessionId;
        Subject = subject;
        AccessToken = accessToken;
        AccessTokenExpiresAt = accessTokenExpiresAt;
        RefreshToken = refreshToken;
        RefreshTokenExpiresAt = refreshTokenExpiresAt;
        Generation = generation;
    }

    /// <summary>Gets the session id (also the access token's <c>sid</c>).</summary>
    public string SessionId { get; }

    /// <summary>Gets the subject.</summary>
    public string Subject { get; }

    /// <summary>Gets the access token, sent as <c>Authorization: Bearer</c>.</summary>
    public string AccessToken { get; }

    /// <summary>Gets when the access token expires.</summary>
    public DateTimeOffset AccessTokenExpiresAt { get; }

    /// <summary>Gets the refresh token; it works once.</summary>
    public string RefreshToken { get; }

    /// <summary>Gets when the refresh token expires: never after the session's idle or absolute deadline.</summary>
    public DateTimeOffset RefreshTokenExpiresAt { get; }

    /// <summary>Gets the refresh token's generation.</summary>
    public long Generation { get; }

    /// <inheritdoc />
    public override string ToString() => $"session {SessionId} (sub {Subject}, generation {Generation})";
}
