using JwtSessions.Sessions;

namespace JwtSessions.Tests.Support;

/// <summary>
/// An <see cref="InMemorySessionStore"/> whose listings wait, while <see cref="Barrier"/> is set, until every racing caller has
/// listed: it makes a "list, then create" sign-in race deterministic, and a sign-in that never lists is untouched.
/// </summary>
internal sealed class ListBarrierStore(InMemorySessionStore inner) : ISessionStore, IDisposable
{
    public Barrier? Barrier { get; set; }

    public ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
        => inner.CreateAsync(session, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRevocation>> CreateWithCapAsync(
        SessionRecord session, int maxSessionsPerSubject, CancellationToken cancellationToken = default)
        => inner.CreateWithCapAsync(session, maxSessionsPerSubject, cancellationToken);

    public ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
        => inner.GetAsync(sessionId, cancellationToken);

    public ValueTask<RotationOutcome> TryRotateAsync(
        string sessionId, long expectedGeneration, DateTimeOffset now, TimeSpan idleTimeout, CancellationToken cancellationToken = default)
        => inner.TryRotateAsync(sessionId, expectedGeneration, now, idleTimeout, cancellationToken);

    public ValueTask<RotationOutcome> TryRotateAndRecordAsync(
        string sessionId, long expectedGeneration, DateTimeOffset now, TimeSpan idleTimeout, SessionMetadata metadata, CancellationToken cancellationToken = default)
        => inner.TryRotateAndRecordAsync(sessionId, expectedGeneration, now, idleTimeout, metadata, cancellationToken);

    public ValueTask<SessionRecord?> RevokeAsync(
        string sessionId, DateTimeOffset revokedAt, SessionEndReason reason, CancellationToken cancellationToken = default)
        => inner.RevokeAsync(sessionId, revokedAt, reason, cancellationToken);

    public async ValueTask<IReadOnlyList<SessionRecord>> ListAsync(string subject, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var listed = await inner.ListAsync(subject, now, cancellationToken);
        if (Barrier is { } barrier && !barrier.SignalAndWait(TimeSpan.FromSeconds(10), cancellationToken))
        {
            throw new TimeoutException("The racing callers did not all list.");
        }

        return listed;
    }

    public IDisposable SubscribeToRevocations(Action<SessionRevocation> onRevoked, Action<bool>? onAvailabilityChanged = null)
        => inner.SubscribeToRevocations(onRevoked, onAvailabilityChanged);

    public void Dispose() => inner.Dispose();
}
