namespace JwtSessions.Cli;

/// <summary>
/// A clock that stands still at a given instant and moves only when <see cref="Advance"/> is called. <c>verify --at</c>
/// uses it to validate at a fixed time, and the demo uses it to show an expired token without sleeping.
/// </summary>
/// <remarks>Only <see cref="GetUtcNow"/> is overridden: the library reads time through it alone.</remarks>
/// <threadsafety>Not thread-safe; the CLI uses each instance from one thread.</threadsafety>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset start)
    {
        _now = start.ToUniversalTime();
    }

    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward.</summary>
    /// <param name="delta">How far; never negative, since time does not run backwards.</param>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        _now += delta;
    }
}
