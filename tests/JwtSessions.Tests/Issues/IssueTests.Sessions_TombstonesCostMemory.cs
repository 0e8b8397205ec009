using JwtSessions.Sessions;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Issue 20, revoked sessions costing memory: a session revoked by the cap stayed in the in-memory store until its deadline
/// (14 days), so a flood of sign-ins of one subject grew the store by one record per sign-in. Fixed by dropping a tombstone at
/// the tombstone retention (1 hour by default).
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public async Task Flood_RevokedSessions_AreDroppedAfterTheTombstoneRetention()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var manager = FloodManager(time, store, SessionPolicy.Default with { MaxSessionsPerSubject = 3 });
        var first = await manager.StartSessionAsync("mallory");
        for (var i = 1; i < 10_000; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await manager.StartSessionAsync("mallory");
        }

        // Three live sessions plus the revocations of the last hour (the default tombstone retention; one a second), and one
        // sweep interval (a minute) of lag.
        var bound = 3 + (int)(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1)).TotalSeconds;
        store.Count.Should().BeLessThanOrEqualTo(bound);
        (await store.GetAsync(first.SessionId)).Should().BeNull("its tombstone was dropped after the retention");
        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.UnknownSession);
    }
}
