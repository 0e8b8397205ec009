namespace JwtSessions.Sessions;

/// <summary>
/// The rotation rules every store applies inside its atomic step, written once so the in-memory store, the Redis script's
/// documentation and the conformance tests agree.
/// </summary>
public static class SessionRules
{
    /// <summary>Classifies a rotation attempt against the current record; <see cref="RotationStatus.Rotated"/> means "may advance".</summary>
    /// <param name="current">The current record.</param>
    /// <param name="expectedGeneration">The generation of the presented refresh token.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The status the store reports, or <see cref="RotationStatus.Rotated"/> when the advance may happen.</returns>
    public static RotationStatus Classify(SessionRecord current, long expectedGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.RevokedAt is not null)
        {
            return RotationStatus.Revoked;
        }

        if (now >= current.ExpiresAt)
        {
            return RotationStatus.Expired;
        }

        return current.Generation == expectedGeneration ? RotationStatus.Rotated : RotationStatus.GenerationMismatch;
    }

    /// <summary>The record after one rotation: next generation, rotated now, idle deadline extended but never past the absolute one.</summary>
    /// <param name="current">The current record.</param>
    /// <param name="now">The current time.</param>
    /// <param name="idleTimeout">The idle timeout.</param>
    /// <returns>The advanced record.</returns>
    public static SessionRecord Advance(SessionRecord current, DateTimeOffset now, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(current);
        var idle = now + idleTimeout;
        return current with
        {
            Generation = current.Generation + 1,
            RotatedAt = now,
            IdleExpiresAt = idle < current.AbsoluteExpiresAt ? idle : current.AbsoluteExpiresAt,
        };
    }
}
