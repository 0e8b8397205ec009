namespace JwtSessions.Sessions;

/// <summary>
/// The state a store keeps for one session: O(1) in size whatever the number of refreshes, since refresh tokens are
/// tracked by a generation counter rather than one entry per token.
/// </summary>
/// <threadsafety>Immutable; stores replace a record atomically rather than change it.</threadsafety>
public sealed record SessionRecord
{
    /// <summary>Gets the server-generated session id (128 random bits, base64url).</summary>
    public required string SessionId { get; init; }

    /// <summary>Gets the subject (user id) the session belongs to.</summary>
    public required string Subject { get; init; }

    /// <summary>Gets when the session started.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the absolute deadline: the session ends then whatever happens.</summary>
    public required DateTimeOffset AbsoluteExpiresAt { get; init; }

    /// <summary>Gets the idle deadline: the session ends then unless refreshed first. Never after <see cref="AbsoluteExpiresAt"/>.</summary>
    public required DateTimeOffset IdleExpiresAt { get; init; }

    /// <summary>Gets the generation of the one refresh token that may rotate now.</summary>
    public long Generation { get; init; }

    /// <summary>Gets when <see cref="Generation"/> became current (the last rotation, or sign-in).</summary>
    public required DateTimeOffset RotatedAt { get; init; }

    /// <summary>Gets when the session was revoked, or <see langword="null"/> while it is not.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Gets why the session was revoked, or <see langword="null"/>.</summary>
    public SessionEndReason? RevocationReason { get; init; }

    /// <summary>Gets the space-separated scopes carried by every access token of the session, or <see langword="null"/>.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the <c>client_id</c> carried by every access token of the session, or <see langword="null"/>.</summary>
    public string? ClientId { get; init; }

    /// <summary>
    /// Gets the RFC 7638 thumbprint of the client's DPoP key when the session is sender-constrained (RFC 9449): its access
    /// tokens carry it as <c>cnf.jkt</c> and every refresh must come with a proof from that key; <see langword="null"/> otherwise.
    /// </summary>
    public string? KeyThumbprint { get; init; }

    /// <summary>Gets the descriptive data stored at sign-in.</summary>
    public SessionMetadata Metadata { get; init; } = SessionMetadata.Empty;

    /// <summary>Gets the deadline after which the session cannot be used: the earlier of the idle and absolute deadlines.</summary>
    public DateTimeOffset ExpiresAt => IdleExpiresAt < AbsoluteExpiresAt ? IdleExpiresAt : AbsoluteExpiresAt;

    /// <summary>Gets whether the session is usable at <paramref name="now"/>: not revoked and before both deadlines.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when active.</returns>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}
