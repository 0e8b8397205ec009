using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

/// <content>
/// A <see cref="SessionManager"/> built without a store makes an <see cref="InMemorySessionStore"/> and disposes it with
/// itself, so its sweep timer does not keep running (and keep the store alive) after the manager is disposed; a store the
/// caller passed in is never disposed by the manager.
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public async Task Dispose_ManagerWithDefaultStore_StopsTheStoresSweepTimer()
    {
        var time = TestClock.Create();
        var manager = CreateShortIdleManager(time, store: null);
        await manager.StartSessionAsync("alice");
        var store = (InMemorySessionStore)manager.Store;

        manager.Dispose();
        time.Advance(TimeSpan.FromHours(2));

        store.Count.Should().Be(1, "the disposed store's timer no longer sweeps");
    }

    [Test]
    public async Task Dispose_ManagerWithGivenStore_LeavesTheStoreRunning()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        var manager = CreateShortIdleManager(time, store);
        await manager.StartSessionAsync("alice");

        manager.Dispose();
        time.Advance(TimeSpan.FromHours(2));

        store.Count.Should().Be(0, "the caller's store keeps sweeping");
    }

    private static SessionManager CreateShortIdleManager(TimeProvider time, ISessionStore? store) => new(
        new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(TestKeys.Hs256),
            Policy = SessionPolicy.Default with { IdleTimeout = TimeSpan.FromHours(1), AbsoluteLifetime = TimeSpan.FromHours(1) },
        },
        store, timeProvider: time);
}
