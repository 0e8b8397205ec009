namespace JwtSessions.Anomalies;

/// <summary>Data of <see cref="AnomalyDetector.AnomalyDetected"/>: what was suspected of which client key.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class AnomalyDetectedEventArgs : EventArgs
{
    internal AnomalyDetectedEventArgs(
        AnomalyKind kind, string clientKey, AnomalySignal signal, int count, int threshold, TimeSpan window, DateTimeOffset detectedAt, DateTimeOffset? blockedUntil)
    {
        Kind = kind;
        ClientKey = clientKey;
        Signal = signal;
        Count = count;
        Threshold = threshold;
        Window = window;
        DetectedAt = detectedAt;
        BlockedUntil = blockedUntil;
    }

    /// <summary>Gets what is suspected.</summary>
    public AnomalyKind Kind { get; }

    /// <summary>Gets the client key the signals came from (a remote address or a device id, as the host supplied it).</summary>
    public string ClientKey { get; }

    /// <summary>Gets the signal whose recording crossed the threshold.</summary>
    public AnomalySignal Signal { get; }

    /// <summary>
    /// Gets the sketch's estimate of the key's signals of this kind within the window: never below the true count, and above
    /// it only by collisions (docs/observability.md states the rate).
    /// </summary>
    public int Count { get; }

    /// <summary>Gets the threshold that was crossed (1 for <see cref="AnomalyKind.TokenTheft"/>).</summary>
    public int Threshold { get; }

    /// <summary>Gets the length of the sliding window the count covers.</summary>
    public TimeSpan Window { get; }

    /// <summary>Gets when the threshold was crossed.</summary>
    public DateTimeOffset DetectedAt { get; }

    /// <summary>Gets until when the detector blocked the key for this anomaly, or <see langword="null"/> when the options block none.</summary>
    public DateTimeOffset? BlockedUntil { get; }
}
