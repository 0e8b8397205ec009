using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Sessions;

/// <summary>What the in-memory store adds to the conformance suite: bounds, sweeping, and memory per session.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed partial class InMemorySessionStoreTests
{
    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = TestClock.Create();

    [Test]
    public async Task SweepTimer_SessionPastDeadline_RemovedOnlyOnceDeadlinePassed()
    {
        using var store = CreateStore();
        var session = Record("s-1", "alice", idle: TimeSpan.FromMinutes(3));
        await store.CreateAsync(session);

        _time.Advance(TimeSpan.FromMinutes(2));
        store.Count.Should().Be(1, "a sweep ran but the deadline has not passed");
        _time.Advance(TimeSpan.FromMinutes(1));

        store.Count.Should().Be(0, "the timer swept it at its deadline");
        (await store.GetAsync("s-1")).Should().BeNull();
        (await store.ListAsync("alice", _time.GetUtcNow())).Should().BeEmpty();
    }

    [Test]
    public async Task Sweep_OneTickBeforeDeadline_KeepsSession()
    {
        using var store = CreateStore(sweepInterval: TimeSpan.FromDays(45));
        await store.CreateAsync(Record("s-1", "alice", idle: TimeSpan.FromMinutes(3)));

        _time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromTicks(1));
        store.Sweep().Should().Be(0);
        _time.Advance(TimeSpan.FromTicks(1));
        store.Sweep().Should().Be(1);
    }

    [Test]
    public async Task Sweep_RevokedSession_KeptAsTombstoneUntilDeadline()
    {
        using var store = CreateStore();
        await store.CreateAsync(Record("s-1", "alice", idle: TimeSpan.FromMinutes(10)));
        await store.RevokeAsync("s-1", _time.GetUtcNow(), SessionEndReason.Logout);

        _time.Advance(TimeSpan.FromMinutes(5));
        (await store.TryRotateAsync("s-1", 0, _time.GetUtcNow(), TimeSpan.FromMinutes(10))).Status
            .Should().Be(RotationStatus.Revoked, "a replay after logout is reported as revoked, not unknown");
        _time.Advance(TimeSpan.FromMinutes(5));

        store.Count.Should().Be(0);
    }

    [Test]
    public async Task Create_AtCapacity_ThrowsStoreUnavailable()
    {
        using var store = CreateStore(maxSessions: 2);
        await store.CreateAsync(Record("s-1", "alice"));
        await store.CreateAsync(Record("s-2", "bob"));

        await FluentActions.Awaiting(() => store.CreateAsync(Record("s-3", "carol")).AsTask())
            .Should().ThrowAsync<SessionStoreUnavailableException>();

        store.Count.Should().Be(2);
    }

    [Test]
    public async Task Create_AtCapacityWithExpiredSessions_SweepsAndSucceeds()
    {
        using var store = CreateStore(maxSessions: 2, sweepInterval: TimeSpan.FromDays(45));
        await store.CreateAsync(Record("s-1", "alice", idle: TimeSpan.FromMinutes(1)));
        await store.CreateAsync(Record("s-2", "bob"));
        _time.Advance(TimeSpan.FromMinutes(1));

        await store.CreateAsync(Record("s-3", "carol"));

        store.Count.Should().Be(2);
        (await store.GetAsync("s-1")).Should().BeNull();
    }

    [Test]
    public async Task Create_AtCapacityWhileAnotherSweepFreesTheRoom_Succeeds()
    {
        // A competing sweep (the timer's, another sign-in's) runs first and removes the expired sessions, so this sign-in's
        // own sweep finds nothing: it must still take the room that sweep freed, not report a full store.
        var clock = new SweepFirstClock(_time);
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = clock, MaxSessions = 2, SweepInterval = TimeSpan.FromDays(45) });
        clock.Store = store;
        await store.CreateAsync(Record("s-1", "alice", idle: TimeSpan.FromMinutes(1)));
        await store.CreateAsync(Record("s-2", "alice", idle: TimeSpan.FromMinutes(1)));
        _time.Advance(TimeSpan.FromMinutes(2));
        clock.SweepOnNextRead = true;

        await store.CreateAsync(Record("s-3", "bob"));

        store.Count.Should().Be(1);
    }

    [TestCase(0, 60)]
    [TestCase(-60, 60)]
    [TestCase(10, 0)]
    public void Constructor_NonPositiveTombstoneBounds_ThrowsNamingThem(int maxTombstones, int retentionSeconds)
    {
        var build = () => new InMemorySessionStore(new InMemorySessionStoreOptions
        {
            MaxTombstones = maxTombstones,
            TombstoneRetention = TimeSpan.FromSeconds(retentionSeconds),
            TimeProvider = _time,
        });

        build.Should().Throw<ArgumentException>().WithMessage("*tombstone bounds*");
    }

    [TestCase(0, 60)]
    [TestCase(-1, 60)]
    [TestCase(10, 0)]
    public void Constructor_NonPositiveBounds_Throws(int maxSessions, int sweepSeconds)
    {
        var build = () => new InMemorySessionStore(new InMemorySessionStoreOptions
        {
            MaxSessions = maxSessions,
            SweepInterval = TimeSpan.FromSeconds(sweepSeconds),
            TimeProvider = _time,
        });

        build.Should().Throw<ArgumentException>();
    }

    [Test]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new InMemorySessionStoreOptions();

        options.MaxSessions.Should().Be(1_000_000);
        options.SweepInterval.Should().Be(TimeSpan.FromMinutes(1));
    }

    private InMemorySessionStore CreateStore(int maxSessions = 1_000_000, TimeSpan? sweepInterval = null)
        => new(new InMemorySessionStoreOptions { TimeProvider = _time, MaxSessions = maxSessions, SweepInterval = sweepInterval ?? s_sweepInterval });

    private SessionRecord Record(string id, string subject, TimeSpan? idle = null, SessionMetadata? metadata = null)
        => SessionRecords.Create(id, subject, _time.GetUtcNow(), idle, TimeSpan.FromDays(30)) with { Metadata = metadata ?? SessionMetadata.Empty };

    /// <summary>A clock whose next read first runs another sweep of the store, as a concurrent sweep would.</summary>
    private sealed class SweepFirstClock(FakeTimeProvider inner) : TimeProvider
    {
        public InMemorySessionStore? Store { get; set; }

        public bool SweepOnNextRead { get; set; }

        public override DateTimeOffset GetUtcNow()
        {
            if (SweepOnNextRead && Store is not null)
            {
                SweepOnNextRead = false;
                Store.Sweep();
            }

            return inner.GetUtcNow();
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
            => inner.CreateTimer(callback, state, dueTime, period);
    }
}
