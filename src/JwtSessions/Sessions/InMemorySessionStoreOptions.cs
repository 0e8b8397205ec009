namespace JwtSessions.Sessions;

/// <summary>Bounds of an <see cref="InMemorySessionStore"/>.</summary>
/// <threadsafety>Not thread-safe; configure, then build the store.</threadsafety>
public sealed class InMemorySessionStoreOptions
{
    /// <summary>Gets or sets the most sessions held, revoked ones awaiting their deadline included. Sign-ins beyond it fail.</summary>
    /// <value>1,000,000 by default.</value>
    public int MaxSessions { get; set; } = 1_000_000;

    /// <summary>Gets or sets how often sessions past their deadlines are swept.</summary>
    /// <value>1 minute by default.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the clock that drives sweeping.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
