using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Issue 20, lock-out of every user: sessions over the per-subject cap were revoked but kept until their deadline, counting
/// against <see cref="InMemorySessionStoreOptions.MaxSessions"/>, and without a cap one subject could fill the store alone.
/// Fixed by tombstones that no longer count (bounded apart) and a default cap of 200.
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public async Task Flood_OneSubjectOverItsCap_OtherSubjectsStillSignIn()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { MaxSessions = 100, TimeProvider = time });
        using var manager = FloodManager(time, store, SessionPolicy.Default with { MaxSessionsPerSubject = 3 });
        for (var i = 0; i < 100; i++)
        {
            await manager.StartSessionAsync("mallory");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var alice = await manager.StartSessionAsync("alice");

        manager.ValidateAccessToken(alice.AccessToken).IsValid.Should().BeTrue();
        (await manager.ListSessionsAsync("mallory")).Should().HaveCount(3);
    }

    [Test]
    public async Task Flood_DefaultPolicy_OneSubjectCannotFillTheStore()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { MaxSessions = 1_000, TimeProvider = time });
        using var manager = FloodManager(time, store, SessionPolicy.Default);
        for (var i = 0; i < 1_000; i++)
        {
            await manager.StartSessionAsync("mallory");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var alice = await manager.StartSessionAsync("alice");

        manager.ValidateAccessToken(alice.AccessToken).IsValid.Should().BeTrue();
        (await manager.ListSessionsAsync("mallory")).Should().HaveCount(200, "the default per-subject cap");
    }

    private static SessionManager FloodManager(TimeProvider time, ISessionStore store, SessionPolicy policy) => new(
        new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(TestKeys.Hs256),
            Policy = policy,
        },
        store, timeProvider: time);
}
