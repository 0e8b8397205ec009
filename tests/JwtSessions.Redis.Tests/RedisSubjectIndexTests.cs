using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// A session past its deadline at one server's clock may still be rotated by another server whose "now" was read just
/// before it. Pruning the subject index must never hide such a session: each case runs on the in-memory reference store
/// and on Redis, and both must keep listing it.
/// </summary>
public sealed class RedisSubjectIndexTests
{
    private TestResources _resources = new();
    private FakeTimeProvider _time = new(TestManagers.Start);
    private string _prefix = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _resources = new TestResources();
        _time = new FakeTimeProvider(TestManagers.Start);
        _prefix = _resources.NewPrefix(RedisTestEnvironment.Address);
    }

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    [Test]
    public async Task List_AtTheIdleDeadline_ThenRotationJustBefore_SessionStaysListed()
    {
        using var reference = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time, SweepInterval = TimeSpan.FromDays(30) });
        var redis = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, _time);

        foreach (var store in new ISessionStore[] { reference, redis })
        {
            var session = NewSession("alice");
            await store.CreateAsync(session);
            var deadline = session.IdleExpiresAt;

            // Server B lists at the deadline (RevokeAllAsync, the session cap, "your devices")...
            (await store.ListAsync("alice", deadline)).Should().BeEmpty();

            // ...while server A's refresh, whose clock read came 1 ms earlier, reaches the store afterwards and rotates.
            var rotated = await store.TryRotateAsync(session.SessionId, 0, deadline - TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
            rotated.Status.Should().Be(RotationStatus.Rotated);
            rotated.Session!.IsActiveAt(deadline + TimeSpan.FromMinutes(30)).Should().BeTrue();

            // Live for another hour: "log out everywhere" must find it.
            (await store.ListAsync("alice", deadline)).Select(static s => s.SessionId).Should().Equal(
                new[] { session.SessionId }, "{0}: a live session must stay in its subject's listing", store.GetType().Name);
        }
    }

    [Test]
    public async Task Create_PrunesAtTheStoreClock_ThenRotationJustBefore_SessionStaysListed()
    {
        using var reference = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time, SweepInterval = TimeSpan.FromDays(30) });
        var redis = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, _time);

        foreach (var store in new ISessionStore[] { reference, redis })
        {
            var subject = "bob-" + store.GetType().Name;
            var first = NewSession(subject);
            await store.CreateAsync(first);
            var deadline = first.IdleExpiresAt;

            // (In-memory: sweep interval 30 days, i.e. "not swept yet", as Redis keeps the hash >= 1 s past its deadline.)
            // A sign-in on server B at the deadline (store clock) prunes the subject's oldest "dead" entries...
            _time.SetUtcNow(deadline);
            await store.CreateAsync(NewSession(subject));

            // ...then server A's refresh, whose clock read came 1 ms earlier, rotates the first session.
            var rotated = await store.TryRotateAsync(first.SessionId, 0, deadline - TimeSpan.FromMilliseconds(1), TimeSpan.FromHours(1));
            rotated.Status.Should().Be(RotationStatus.Rotated);

            (await store.ListAsync(subject, deadline)).Select(static s => s.SessionId).Should().Contain(
                first.SessionId, "{0}: the rotated, live session must stay in its subject's listing", store.GetType().Name);
        }
    }

    private SessionRecord NewSession(string subject)
    {
        var now = _time.GetUtcNow();
        return new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = subject,
            CreatedAt = now,
            AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
            IdleExpiresAt = now + TimeSpan.FromHours(1),
            RotatedAt = now,
        };
    }
}
