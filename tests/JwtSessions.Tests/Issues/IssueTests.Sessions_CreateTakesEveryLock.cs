using JwtSessions.Sessions;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

/// <content>
/// <see cref="InMemorySessionStore"/>: the capacity check of every sign-in read <c>ConcurrentDictionary.Count</c>, which
/// takes all of the dictionary's locks (1,024 once it has grown): a sign-in into a store of 100,000 sessions cost tens of
/// microseconds and blocked concurrent rotations meanwhile. Fixed with a counter kept alongside.
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public async Task InMemoryStore_CreateIntoLargeStore_CostsAboutTheSameAsIntoASmallOne()
    {
        const int Batches = 7;
        const int PerBatch = 1_000;
        var time = TestClock.Create();
        using var small = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var large = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        for (var i = 0; i < 60_000; i++)
        {
            await large.CreateAsync(Record("filler-" + i, time.GetUtcNow()));
        }

        var smallRecords = Enumerable.Range(0, Batches * PerBatch).Select(i => Record("small-" + i, time.GetUtcNow())).ToArray();
        var largeRecords = Enumerable.Range(0, Batches * PerBatch).Select(i => Record("large-" + i, time.GetUtcNow())).ToArray();

        var (smallCost, largeCost) = CheapestBatchNanoseconds(
            Batches,
            PerBatch,
            i => small.CreateAsync(smallRecords[i]).AsTask().GetAwaiter().GetResult(),
            i => large.CreateAsync(largeRecords[i]).AsTask().GetAwaiter().GetResult());

        TestContext.Out.WriteLine($"create: small store {smallCost:F0} ns, large store {largeCost:F0} ns");
        largeCost.Should().BeLessThan(Math.Max(8 * smallCost, 5_000), "a sign-in must not take every lock of the store");
    }

    private static SessionRecord Record(string id, DateTimeOffset now) => new()
    {
        SessionId = id,
        Subject = "user-" + id,
        CreatedAt = now,
        AbsoluteExpiresAt = now + TimeSpan.FromDays(30),
        IdleExpiresAt = now + TimeSpan.FromDays(14),
        RotatedAt = now,
    };
}
