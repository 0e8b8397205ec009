namespace JwtSessions.Sessions;

/// <summary>The result of an atomic rotation attempt (<see cref="ISessionStore.TryRotateAsync(string, long, DateTimeOffset, TimeSpan, CancellationToken)"/>).</summary>
/// <remarks>
/// A <see langword="readonly struct"/>, like every result returned per request without allocating (docs/design/api-1.0.md).
/// </remarks>
/// <threadsafety>An immutable value; safe to share.</threadsafety>
public readonly struct RotationOutcome
{
    /// <summary>Initializes a new instance of the <see cref="RotationOutcome"/> struct.</summary>
    /// <param name="status">What happened.</param>
    /// <param name="session">The session after the attempt, or <see langword="null"/> when not found.</param>
    public RotationOutcome(RotationStatus status, SessionRecord? session)
    {
        Status = status;
        Session = session;
    }

    /// <summary>Gets what happened.</summary>
    public RotationStatus Status { get; }

    /// <summary>Gets the session after the attempt, or <see langword="null"/> when not found.</summary>
    public SessionRecord? Session { get; }

    /// <inheritdoc />
    public override string ToString() => Session is null ? $"{Status}" : $"{Status} (session {Session.SessionId}, generation {Session.Generation})";
}
