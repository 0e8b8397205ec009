using JwtSessions.Sessions;

namespace JwtSessions.Tests.Support;

/// <summary>
/// One "server's" view of a shared <see cref="InMemorySessionStore"/>: every call goes to the shared store, and revocations
/// reach this instance's subscribers asynchronously on the thread pool, as a pub/sub feed would. Lets the conformance peer
/// tests and multi-server manager tests run without a network.
/// </summary>
internal sealed class PeerSessionStore : ISessionStore, IDisposable
{
    private readonly Lock _lock = new();
    private readonly IDisposable _feed;
    private readonly bool _ownsShared;
    private Action<SessionRevocation>[] _subscribers = [];
    private int _pending;

    public PeerSessionStore(InMemorySessionStore shared, bool ownsShared = false)
    {
        Shared = shared;
        _ownsShared = ownsShared;
        _feed = shared.SubscribeToRevocations(Deliver);
    }

    public InMemorySessionStore Shared { get; }

    /// <summary>Gets a value indicating whether every revocation received so far was delivered to this instance's subscribers.</summary>
    public bool IsIdle => Volatile.Read(ref _pending) == 0;

    public ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
        => Shared.CreateAsync(session, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRevocation>> CreateWithCapAsync(
        SessionRecord session, int maxSessionsPerSubject, CancellationToken cancellationToken = default)
        => Shared.CreateWithCapAsync(session, maxSessionsPerSubject, cancellationToken);

    public ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
        => Shared.GetAsync(sessionId, cancellationToken);

    public ValueTask<RotationOutcome> TryRotateAsync(
        string sessionId, long expectedGeneration, DateTimeOffset now, TimeSpan idleTimeout, CancellationToken cancellationToken = default)
        => Shared.TryRotateAsync(sessionId, expectedGeneration, now, idleTimeout, cancellationToken);

    public ValueTask<RotationOutcome> TryRotateAndRecordAsync(
        string sessionId, long expectedGeneration, DateTimeOffset now, TimeSpan idleTimeout, SessionMetadata metadata, CancellationToken cancellationToken = default)
        => Shared.TryRotateAndRecordAsync(sessionId, expectedGeneration, now, idleTimeout, metadata, cancellationToken);

    public ValueTask<SessionRecord?> RevokeAsync(
        string sessionId, DateTimeOffset revokedAt, SessionEndReason reason, CancellationToken cancellationToken = default)
        => Shared.RevokeAsync(sessionId, revokedAt, reason, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRecord>> ListAsync(string subject, DateTimeOffset now, CancellationToken cancellationToken = default)
        => Shared.ListAsync(subject, now, cancellationToken);

    public IDisposable SubscribeToRevocations(Action<SessionRevocation> onRevoked, Action<bool>? onAvailabilityChanged = null)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onRevoked];
        }

        onAvailabilityChanged?.Invoke(true);
        return new Unsubscriber(this, onRevoked);
    }

    public void Dispose()
    {
        _feed.Dispose();
        if (_ownsShared)
        {
            Shared.Dispose();
        }
    }

    private void Deliver(SessionRevocation revocation)
    {
        Interlocked.Increment(ref _pending);
        ThreadPool.QueueUserWorkItem(
            state =>
            {
                try
                {
                    foreach (var subscriber in Volatile.Read(ref state._subscribers))
                    {
                        subscriber(revocation);
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref state._pending);
                }
            },
            this,
            preferLocal: false);
    }

    private void Remove(Action<SessionRevocation> onRevoked)
    {
        lock (_lock)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, onRevoked))];
        }
    }

    private sealed class Unsubscriber(PeerSessionStore owner, Action<SessionRevocation> onRevoked) : IDisposable
    {
        public void Dispose() => owner.Remove(onRevoked);
    }
}
