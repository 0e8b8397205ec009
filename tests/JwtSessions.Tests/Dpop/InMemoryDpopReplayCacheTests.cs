using JwtSessions.Dpop;
using JwtSessions.Tests.Concurrency;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Dpop;

public sealed class InMemoryDpopReplayCacheTests
{
    [Test]
    public async Task TryAddAsync_SameIdTwice_SecondRefused()
    {
        var clock = TestClock.Create();
        var cache = new InMemoryDpopReplayCache(timeProvider: clock);

        (await cache.TryAddAsync("a", clock.GetUtcNow().AddMinutes(1))).Should().BeTrue();
        (await cache.TryAddAsync("a", clock.GetUtcNow().AddMinutes(1))).Should().BeFalse();
    }

    [Test]
    public async Task TryAddAsync_AfterEntryExpired_AddedAgain()
    {
        var clock = TestClock.Create();
        var cache = new InMemoryDpopReplayCache(timeProvider: clock);
        await cache.TryAddAsync("a", clock.GetUtcNow().AddMinutes(1));

        clock.Advance(TimeSpan.FromMinutes(1));

        (await cache.TryAddAsync("a", clock.GetUtcNow().AddMinutes(1))).Should().BeTrue();
        cache.Count.Should().Be(1);
    }

    [Test]
    public async Task TryAddAsync_Full_FailsClosed()
    {
        var clock = TestClock.Create();
        var cache = new InMemoryDpopReplayCache(capacity: 2, timeProvider: clock);
        await cache.TryAddAsync("a", clock.GetUtcNow().AddMinutes(1));
        await cache.TryAddAsync("b", clock.GetUtcNow().AddMinutes(1));

        (await cache.TryAddAsync("c", clock.GetUtcNow().AddMinutes(1))).Should().BeFalse();
        cache.Count.Should().Be(2);
    }

    [Test]
    public async Task TryAddAsync_FullOfExpiredEntries_SweepsAndAdds()
    {
        var clock = TestClock.Create();
        var cache = new InMemoryDpopReplayCache(capacity: 2, timeProvider: clock);
        await cache.TryAddAsync("a", clock.GetUtcNow().AddSeconds(1));
        await cache.TryAddAsync("b", clock.GetUtcNow().AddSeconds(1));

        clock.Advance(TimeSpan.FromSeconds(2));

        (await cache.TryAddAsync("c", clock.GetUtcNow().AddMinutes(1))).Should().BeTrue();
        cache.Count.Should().Be(1);
    }

    [Test]
    public void TryAddAsync_TwoThreadsRaceForLastSlot_NeverBothAdded()
    {
        var clock = TestClock.Create();
        var expires = clock.GetUtcNow().AddMinutes(1);
        InMemoryDpopReplayCache cache = null!;
        var added = new bool[2];

        var failures = Race.Run(
            iterations: 2000,
            reset: () => cache = new InMemoryDpopReplayCache(capacity: 1, timeProvider: clock),
            act: t => added[t] = cache.TryAddAsync(t == 0 ? "x" : "y", expires).AsTask().Result,
            violated: () => (added[0] && added[1]) || cache.Count != 1);

        failures.Should().Be(0);
    }
}
