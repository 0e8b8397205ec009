using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Cli.Tests.Support;

/// <summary>A fixed start for every fake clock, so tests never read the wall clock.</summary>
internal static class TestClock
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public static long StartSeconds => Start.ToUnixTimeSeconds();

    public static FakeTimeProvider Create() => new(Start);
}
