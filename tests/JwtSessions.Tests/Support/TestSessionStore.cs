using JwtSessions.Sessions;

namespace JwtSessions.Tests.Support;

/// <summary>
/// A test double around a real <see cref="InMemorySessionStore"/>: counts every call, throws on the operations named by
/// <see cref="Faults"/>, and lets a test switch the revocation feed's availability.
/// </summary>
internal sealed class TestSessionStore : ISessionStore, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<Action<bool>> _availabilityCallbacks = [];
    private int _creates;
    private int _gets;
    private int _rotations;
    private int _revokes;
    private int _lists;

    public TestSessionStore(TimeProvider time)
    {
        // Sweeps (in practice) only when a test calls Sweep(), so records past their deadlines stay visible to the store's own checks.
        Inner = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time, SweepInterval = TimeSpan.FromDays(45) });
    }

    public InMemorySessionStore Inner { get; }

    public StoreFaults Faults { get; set; }

    public Func<Exception> Fault { get; set; } = static () => new SessionStoreUnavailableException("Injected store failure.");

    /// <summary>Runs after a rotation is applied, before its outcome is returned: time passing in the round trip, a request aborted.</summary>
    public Action? AfterRotate { get; set; }

    public int Creates => Volatile.Read(ref _creates);

    public int Gets => Volatile.Read(ref _gets);

    public int Rotations => Volatile.Read(ref _rotations);

    public int Revokes => Volatile.Read(ref _revokes);

    public int Lists => Volatile.Read(ref _lists);

    /// <summary>Gets the number of calls of any kind (subscriptions excluded).</summary>
    public int Calls => Creates + Gets + Rotations + Revokes + Lists;

    public ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _creates);
        ThrowIf(StoreFaults.Create);
        return Inner.CreateAsync(session, cancellationToken);
    }

    public ValueTask<IReadOnlyList<SessionRevocation>> CreateWithCapAsync(
        SessionRecord session, int maxSessionsPerSubject, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _creates);
        ThrowIf(StoreFaults.Create);
        return Inner.CreateWithCapAsync(session, maxSessionsPerSubject, cancellationToken);
    }

    public ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _gets);
        ThrowIf(StoreFaults.Get);
        return Inner.GetAsync(sessionId, cancellationToken);
    }

    public async ValueTask<RotationOutcome> TryRotateAsync(
        string sessionId, long expectedGeneration, DateTimeOffset now, TimeSpan idleTimeout, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _rotations);
        ThrowIf(StoreFaults.Rotate);
        var outcome = await Inner.TryRotateAsync(sessionId, expectedGeneration, now, idleTimeout, cancellationToken);
        AfterRotate?.Invoke();
        ThrowIf(StoreFaults.RotateThenLoseResponse);
        return outcome;
    }

    public async ValueTask<RotationOutcome> TryRotateAndRecordAsync(
        string sessionId, long expectedGeneration, DateTimeOffset now, TimeSpan idleTimeout, SessionMetadata metadata, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _rotations);
        ThrowIf(StoreFaults.Rotate);
        var outcome = await Inner.TryRotateAndRecordAsync(sessionId, expectedGeneration, now, idleTimeout, metadata, cancellationToken);
        AfterRotate?.Invoke();
        ThrowIf(StoreFaults.RotateThenLoseResponse);
        return outcome;
    }

    public ValueTask<SessionRecord?> RevokeAsync(
        string sessionId, DateTimeOffset revokedAt, SessionEndReason reason, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _revokes);
        ThrowIf(StoreFaults.Revoke);
        return Inner.RevokeAsync(sessionId, revokedAt, reason, cancellationToken);
    }

    public ValueTask<IReadOnlyList<SessionRecord>> ListAsync(string subject, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lists);
        ThrowIf(StoreFaults.List);
        return Inner.ListAsync(subject, now, cancellationToken);
    }

    public IDisposable SubscribeToRevocations(Action<SessionRevocation> onRevoked, Action<bool>? onAvailabilityChanged = null)
    {
        if (onAvailabilityChanged is not null)
        {
            lock (_lock)
            {
                _availabilityCallbacks.Add(onAvailabilityChanged);
            }
        }

        return Inner.SubscribeToRevocations(onRevoked, onAvailabilityChanged);
    }

    /// <summary>Reports the revocation feed lost (<see langword="false"/>) or caught up (<see langword="true"/>) to every subscriber.</summary>
    public void SetFeedAvailable(bool available)
    {
        Action<bool>[] callbacks;
        lock (_lock)
        {
            callbacks = [.. _availabilityCallbacks];
        }

        foreach (var callback in callbacks)
        {
            callback(available);
        }
    }

    public void Dispose() => Inner.Dispose();

    private void ThrowIf(StoreFaults fault)
    {
        if ((Faults & fault) != 0)
        {
            throw Fault();
        }
    }
}
