namespace JwtSessions.Validation;

/// <summary>When a validator reports a burst of rejected tokens (<see cref="TokenValidator.RejectionBurst"/>).</summary>
/// <threadsafety>Not thread-safe; configure, then build the validator.</threadsafety>
public sealed class RejectionBurstOptions
{
    /// <summary>Gets or sets the number of rejections within one window that makes a burst.</summary>
    /// <value>100 by default.</value>
    public int Threshold { get; set; } = 100;

    /// <summary>Gets or sets the length of a window.</summary>
    /// <value>10 seconds by default.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(10);
}
