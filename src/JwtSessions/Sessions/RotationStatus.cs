namespace JwtSessions.Sessions;

/// <summary>What <see cref="ISessionStore.TryRotateAsync(string, long, DateTimeOffset, TimeSpan, CancellationToken)"/> did.</summary>
public enum RotationStatus
{
    /// <summary>The generation matched and was advanced; <see cref="RotationOutcome.Session"/> is the new state.</summary>
    Rotated = 1,

    /// <summary>The generation did not match; nothing changed and <see cref="RotationOutcome.Session"/> is the current state.</summary>
    GenerationMismatch,

    /// <summary>No such session.</summary>
    NotFound,

    /// <summary>The session is revoked; nothing changed.</summary>
    Revoked,

    /// <summary>The session is past its idle or absolute deadline; nothing changed.</summary>
    Expired,
}
