namespace JwtSessions.Sessions;

/// <summary>Bounds of an <see cref="InMemorySessionStore"/>.</summary>
/// <threadsafety>Not thread-safe; configure, then build the store.</threadsafety>
public sealed class InMemorySessionStoreOptions
{
    /// <summary>The default <see cref="MaxTombstones"/>.</summary>
    public const int DefaultMaxTombstones = 100_000;

    /// <summary>
    /// Gets or sets the most live (not revoked) sessions held. Sign-ins beyond it fail. Revoked sessions (tombstones) do not
    /// count: they are bounded by <see cref="MaxTombstones"/> and <see cref="TombstoneRetention"/>.
    /// </summary>
    /// <value>1,000,000 by default.</value>
    public int MaxSessions { get; set; } = 1_000_000;

    /// <summary>
    /// Gets or sets the most revoked sessions kept as tombstones, so that a replayed refresh token reads "revoked" rather than
    /// "unknown". Beyond it the oldest tombstones are dropped at once; a live session is never dropped to make room.
    /// </summary>
    /// <value><see cref="DefaultMaxTombstones"/> (100,000) by default; must be positive.</value>
    public int MaxTombstones { get; set; } = DefaultMaxTombstones;

    /// <summary>
    /// Gets or sets how long a tombstone is kept after the revocation at most (it also goes at the session's deadline, if
    /// earlier). It only changes how a refresh of the revoked session is reported (<c>SessionRevoked</c>, then
    /// <c>UnknownSession</c>); both fail, and access tokens are rejected through the manager's revocation list, which this does
    /// not shorten.
    /// </summary>
    /// <value>1 hour by default; must be positive.</value>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how often sessions past their deadlines, and tombstones past their retention, are swept.</summary>
    /// <value>1 minute by default.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the clock that drives sweeping.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
