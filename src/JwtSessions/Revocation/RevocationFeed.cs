using JwtSessions.Internal;
using JwtSessions.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JwtSessions.Revocation;

/// <summary>
/// Follows a session store's revocations into an in-memory <see cref="RevocationList"/> that access-token validators consult:
/// the component every server needs to reject revoked sessions' access tokens, whether it issues tokens (a
/// <see cref="SessionManager"/> builds one) or only validates them (no signing keys needed, see docs/sessions.md).
/// </summary>
/// <remarks>
/// An id stays in the list for <see cref="Retention"/> after its revocation, which must cover the longest access-token
/// lifetime plus the validators' clock skew: after that no access token of the session can validate anyway. While the store
/// reports that revocations may be missed (for example while disconnected), <see cref="RevocationList.IsAvailable"/> is
/// <see langword="false"/> and validators apply their <see cref="Validation.RevocationFailureMode"/>.
/// </remarks>
/// <threadsafety>Thread-safe. Dispose it to stop following the store.</threadsafety>
public sealed partial class RevocationFeed : IDisposable
{
    private readonly RevocationList _revocations;
    private readonly ILogger _logger;
    private readonly JwtSessionsMetrics _metrics;
    private readonly IDisposable _subscription;
    private readonly Lock _availabilityLock = new();
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="RevocationFeed"/> class and subscribes to the store's revocations.</summary>
    /// <param name="store">The session store whose revocations to follow; the caller keeps owning it.</param>
    /// <param name="retention">How long a revoked id is kept: the longest access-token lifetime plus the clock skew.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where revocations are logged (session ids and subjects only, never a token); none when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is not positive.</exception>
    public RevocationFeed(ISessionStore store, TimeSpan retention, TimeProvider? timeProvider = null, ILogger<RevocationFeed>? logger = null)
        : this(store, retention, timeProvider, logger, JwtSessionsMetrics.Shared)
    {
    }

    internal RevocationFeed(ISessionStore store, TimeSpan retention, TimeProvider? timeProvider, ILogger? logger, JwtSessionsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        Retention = retention;
        _revocations = new RevocationList(timeProvider);
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _subscription = store.SubscribeToRevocations(OnRevoked, OnAvailabilityChanged);
    }

    /// <summary>Gets the list this feed keeps current; give it to validators (<see cref="Validation.TokenValidatorOptions.Revocations"/>).</summary>
    public RevocationList Revocations => _revocations;

    /// <summary>Gets how long a revoked id is kept after its revocation.</summary>
    public TimeSpan Retention { get; }

    /// <summary>
    /// Stops following the store. The list then reports itself unavailable for good (nothing keeps it current any more), so
    /// validators still holding it apply their <see cref="Validation.RevocationFailureMode"/>.
    /// </summary>
    public void Dispose()
    {
        lock (_availabilityLock)
        {
            _disposed = true;
            _revocations.IsAvailable = false;
        }

        _subscription.Dispose();
    }

    private void OnAvailabilityChanged(bool available)
    {
        lock (_availabilityLock)
        {
            if (!_disposed)
            {
                _revocations.IsAvailable = available;
            }
        }
    }

    /// <summary>Enforces a revocation this process made at once, whatever the store's feed latency.</summary>
    internal void Enforce(string sessionId, DateTimeOffset revokedAt) => _revocations.Add(sessionId, revokedAt + Retention);

    private void OnRevoked(SessionRevocation revocation)
    {
        Enforce(revocation.SessionId, revocation.RevokedAt);
        _metrics.SessionRevoked(revocation.Reason);
        Log.SessionRevoked(_logger, revocation.SessionId, revocation.Subject, revocation.Reason);
    }

    // Session ids and subjects only: never a token, a key or a refresh secret.
    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Information, "Session {SessionId} of subject {Subject} revoked: {Reason}.")]
        public static partial void SessionRevoked(ILogger logger, string sessionId, string subject, SessionEndReason reason);
    }
}
