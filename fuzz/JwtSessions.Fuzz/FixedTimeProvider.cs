namespace JwtSessions.Fuzz;

/// <summary>A clock that never moves: every input of a run is judged at the same instant, so a finding replays.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
