namespace JwtSessions.Sessions;

/// <summary>
/// Where sessions live. Implementations must make <see cref="TryRotateAsync(string, long, DateTimeOffset, TimeSpan, CancellationToken)"/> an atomic compare-and-advance and bound every
/// entry by the session's deadlines; the conformance suite in the test project (<c>SessionStoreConformanceTests</c>) is the
/// contract every store passes.
/// </summary>
/// <remarks>
/// Failures throw (for example <see cref="SessionStoreUnavailableException"/>); the <see cref="SessionManager"/> turns them
/// into a failed refresh, never into a success (fail closed).
/// </remarks>
/// <threadsafety>Implementations must be safe to call from any number of threads and, for shared stores, processes.</threadsafety>
public interface ISessionStore
{
    /// <summary>Stores a new session.</summary>
    /// <param name="session">The session; its id must be new.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the session is durable in this store.</returns>
    /// <exception cref="InvalidOperationException">A session with that id already exists.</exception>
    ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new session and, in the same atomic step, revokes the subject's oldest sessions so that at most
    /// <paramref name="maxSessionsPerSubject"/> remain, the new one included: concurrent sign-ins of one subject, on any number
    /// of servers, never leave more.
    /// </summary>
    /// <remarks>
    /// A session counts against the cap from its creation until it is revoked or the store drops it after its deadline (a
    /// session merely past its deadline may still count until then). Each session revoked here is revoked at
    /// <see cref="SessionRecord.CreatedAt"/> of <paramref name="session"/> with <see cref="SessionEndReason.SessionLimit"/>,
    /// oldest first, and published like any revocation. A duplicate id throws and revokes nothing.
    /// </remarks>
    /// <param name="session">The session; its id must be new.</param>
    /// <param name="maxSessionsPerSubject">The most sessions the subject may hold once this one is stored; at least 1.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The revocations made to keep within the cap, oldest session first; empty when there was room.</returns>
    /// <exception cref="InvalidOperationException">A session with that id already exists.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSessionsPerSubject"/> is below 1.</exception>
    ValueTask<IReadOnlyList<SessionRevocation>> CreateWithCapAsync(
        SessionRecord session,
        int maxSessionsPerSubject,
        CancellationToken cancellationToken = default);

    /// <summary>Gets a session, or <see langword="null"/> when unknown (never created, or swept after its deadlines).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored record, revoked ones included until swept.</returns>
    ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically advances the session from <paramref name="expectedGeneration"/> to the next generation, if and only if it is
    /// active at <paramref name="now"/> and its current generation equals <paramref name="expectedGeneration"/>.
    /// </summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="expectedGeneration">The generation of the refresh token presented.</param>
    /// <param name="now">The current time, for the deadlines and <see cref="SessionRecord.RotatedAt"/>.</param>
    /// <param name="idleTimeout">The idle timeout to extend the idle deadline by (never past the absolute deadline).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened, with the record after the operation (or the unchanged current record).</returns>
    ValueTask<RotationOutcome> TryRotateAsync(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="TryRotateAsync(string, long, DateTimeOffset, TimeSpan, CancellationToken)"/>, and in the same atomic step,
    /// when the session advances, replaces its metadata with <paramref name="metadata"/> (the last-seen time and address,
    /// and the context the session manager accepted).
    /// </summary>
    /// <remarks>
    /// The default implementation rotates and drops <paramref name="metadata"/>: a store written before this overload keeps
    /// working, without last-seen data. The conformance suite holds a store to storing it.
    /// </remarks>
    /// <param name="sessionId">The session id.</param>
    /// <param name="expectedGeneration">The generation of the refresh token presented.</param>
    /// <param name="now">The current time.</param>
    /// <param name="idleTimeout">The idle timeout to extend the idle deadline by.</param>
    /// <param name="metadata">The session's metadata after the rotation.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What happened, with the record after the operation (or the unchanged current record).</returns>
    ValueTask<RotationOutcome> TryRotateAndRecordAsync(
        string sessionId,
        long expectedGeneration,
        DateTimeOffset now,
        TimeSpan idleTimeout,
        SessionMetadata metadata,
        CancellationToken cancellationToken = default)
        => TryRotateAsync(sessionId, expectedGeneration, now, idleTimeout, cancellationToken);

    /// <summary>
    /// Revokes one session; revoking again keeps the first revocation. The revoked record stays as a tombstone (so a replayed
    /// refresh token reads <see cref="RotationStatus.Revoked"/>) only for a bounded time and in a bounded number, and no
    /// longer counts against any capacity of live sessions: once the store drops it, the id reads as unknown.
    /// </summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="revokedAt">The revocation time.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The revoked record, or <see langword="null"/> when the session is unknown.</returns>
    ValueTask<SessionRecord?> RevokeAsync(string sessionId, DateTimeOffset revokedAt, SessionEndReason reason, CancellationToken cancellationToken = default);

    /// <summary>Lists the active sessions of a subject, without scanning other subjects' sessions.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="now">The current time; sessions past a deadline or revoked are left out.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The active sessions, oldest first.</returns>
    ValueTask<IReadOnlyList<SessionRecord>> ListAsync(string subject, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers a callback for every session revoked through this store or any other instance sharing its state, so each
    /// validator's in-memory revocation list stays current.
    /// </summary>
    /// <param name="onRevoked">Called once per revocation; must not throw and must return quickly.</param>
    /// <param name="onAvailabilityChanged">Called with <see langword="false"/> while revocations may be missed, and <see langword="true"/> once caught up.</param>
    /// <returns>Disposing it stops the callbacks.</returns>
    IDisposable SubscribeToRevocations(Action<SessionRevocation> onRevoked, Action<bool>? onAvailabilityChanged = null);
}
