using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Revocation;

public sealed class RevocationFeedTests
{
    private static readonly TimeSpan s_retention = TimeSpan.FromMinutes(5);

    [Test]
    public async Task Revocation_ThroughTheStore_ReachesTheFeedsListUntilTheRetentionEnds()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var feed = new RevocationFeed(store, s_retention, time, logger: SuiteLogs.For<RevocationFeed>());
        await store.CreateAsync(SessionRecords.Create("s-1", "alice", time.GetUtcNow()));

        await store.RevokeAsync("s-1", time.GetUtcNow(), SessionEndReason.Logout);

        feed.Revocations.Contains("s-1").Should().BeTrue();
        feed.Revocations.IsAvailable.Should().BeTrue();
        time.Advance(s_retention);
        feed.Revocations.Prune().Should().Be(1, "no access token of the session can validate after the retention");
        feed.Revocations.Contains("s-1").Should().BeFalse();
    }

    [Test]
    public async Task Dispose_StopsFollowingTheStore()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        var feed = new RevocationFeed(store, s_retention, time, logger: SuiteLogs.For<RevocationFeed>());
        await store.CreateAsync(SessionRecords.Create("s-1", "alice", time.GetUtcNow()));

        feed.Dispose();
        await store.RevokeAsync("s-1", time.GetUtcNow(), SessionEndReason.Logout);

        feed.Revocations.Contains("s-1").Should().BeFalse();
        feed.Revocations.IsAvailable.Should().BeFalse("nothing keeps the list current once its feed is disposed, so validators apply their failure mode");
    }

    [Test]
    public void Constructor_NonPositiveRetention_Throws()
    {
        using var store = new InMemorySessionStore();

        var build = () => new RevocationFeed(store, TimeSpan.Zero, logger: SuiteLogs.For<RevocationFeed>());

        build.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("retention");
    }

    [Test]
    public async Task SessionManager_Revocations_ShowsItsFeedsEntries()
    {
        var time = TestClock.Create();
        using var manager = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = JwtSessions.Signing.KeyRing.Create(TestKeys.Es256) },
            timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        var tokens = await manager.StartSessionAsync("alice");

        await manager.RevokeAsync(tokens.SessionId);

        IReadOnlyRevocationList view = manager.Revocations;
        view.Contains(tokens.SessionId).Should().BeTrue();
        view.Count.Should().Be(1);
    }
}
