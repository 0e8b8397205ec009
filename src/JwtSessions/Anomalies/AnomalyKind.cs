namespace JwtSessions.Anomalies;

/// <summary>What an <see cref="AnomalyDetector"/> suspects of a client key.</summary>
public enum AnomalyKind
{
    /// <summary>Nothing: the signal recorded crossed no threshold.</summary>
    None = 0,

    /// <summary>
    /// Brute force or session-id guessing: many tokens with a bad signature, refresh tokens naming unknown or revoked sessions,
    /// or forged refresh tokens from one key within the window (<see cref="AnomalyDetectorOptions.BruteForceThreshold"/>).
    /// </summary>
    BruteForce,

    /// <summary>
    /// Token theft: a replayed refresh token (the session manager has already revoked the session; the key that replayed
    /// it is either the thief or the victim).
    /// </summary>
    TokenTheft,

    /// <summary>A flood: rejected requests of any kind from one key over <see cref="AnomalyDetectorOptions.FloodThreshold"/> within the window.</summary>
    Flood,
}
