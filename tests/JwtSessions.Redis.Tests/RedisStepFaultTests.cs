using JwtSessions.Redis.Internal;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// A sign-in or revocation that stops between two of its steps (a hook throws there, as a crash of the calling process
/// would), on a single server and on a cluster: every intermediate state is safe. No session is ever usable without being
/// indexed (so "log out everywhere" and the cap reach it), a stale index entry is pruned later, and a revocation that stopped
/// after marking the session is completed by a retry or by the next listing.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class RedisStepFaultTests(bool cluster)
{
    private static readonly TimeSpan s_idle = TimeSpan.FromHours(1);

    private TestResources _resources = new();
    private FakeTimeProvider _time = new(TestManagers.Start);
    private string _address = string.Empty;
    private string _prefix = string.Empty;

    [SetUp]
    public async Task SetUpAsync()
    {
        _resources = new TestResources();
        _time = new FakeTimeProvider(TestManagers.Start);
        _address = cluster ? await RedisTestEnvironment.ClusterAddressAsync() : RedisTestEnvironment.Address;
        _prefix = _resources.NewPrefix(_address);
    }

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    [TestCase(RedisSessionStore.StepCreatePending)]
    [TestCase(RedisSessionStore.StepCreateIndexed)]
    [TestCase(RedisSessionStore.StepCreateEvicted)]
    public async Task CreateWithCap_StoppedAfterAStep_LeavesNoUsableSessionAndTheCapHolds(string step)
    {
        var store = await StoreAsync();
        var existing = new List<SessionRecord>();
        for (var i = 0; i < 3; i++)
        {
            existing.Add(NewSession("alice"));
            await store.CreateWithCapAsync(existing[^1], 3);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var stopped = NewSession("alice");
        StopAfter(store, step);
        await FluentActions.Awaiting(async () => await store.CreateWithCapAsync(stopped, 3)).Should().ThrowAsync<StepStopped>();
        store.AfterStep = null;

        // The stopped sign-in's session can be neither read, nor rotated, nor listed.
        (await store.GetAsync(stopped.SessionId)).Should().BeNull();
        (await store.TryRotateAsync(stopped.SessionId, 0, _time.GetUtcNow(), s_idle)).Status.Should().Be(RotationStatus.NotFound);
        var listed = (await store.ListAsync("alice", _time.GetUtcNow())).Select(static s => s.SessionId).ToList();
        listed.Should().NotContain(stopped.SessionId).And.HaveCountLessThanOrEqualTo(3);
        if (step == RedisSessionStore.StepCreateEvicted)
        {
            // The oldest was revoked to make room before the stop; the new session never became usable.
            listed.Should().Equal(existing.Skip(1).Select(static s => s.SessionId));
            (await store.GetAsync(existing[0].SessionId))!.RevokedAt.Should().NotBeNull();
        }
        else
        {
            listed.Should().Equal(existing.Select(static s => s.SessionId), "nothing was revoked, and the new session is not usable");
        }

        // The next sign-in keeps the cap, and "log out everywhere" reaches every usable session.
        _time.Advance(TimeSpan.FromSeconds(1));
        var next = NewSession("alice");
        await store.CreateWithCapAsync(next, 3);
        var usable = await store.ListAsync("alice", _time.GetUtcNow());
        usable.Should().HaveCountLessThanOrEqualTo(3).And.Contain(s => s.SessionId == next.SessionId);
        foreach (var session in usable)
        {
            await store.RevokeAsync(session.SessionId, _time.GetUtcNow(), SessionEndReason.LogoutEverywhere);
        }

        (await store.ListAsync("alice", _time.GetUtcNow())).Should().BeEmpty();
        foreach (var session in existing.Append(stopped).Append(next))
        {
            var outcome = await store.TryRotateAsync(session.SessionId, 0, _time.GetUtcNow(), s_idle);
            outcome.Status.Should().BeOneOf(RotationStatus.Revoked, RotationStatus.NotFound);
        }
    }

    [Test]
    public async Task Create_StoppedAfterIndexing_EntryIsPrunedOnceTheHashIsGone()
    {
        var store = await StoreAsync();
        var stopped = NewSession("alice");
        StopAfter(store, RedisSessionStore.StepCreateIndexed);
        await FluentActions.Awaiting(async () => await store.CreateAsync(stopped)).Should().ThrowAsync<StepStopped>();
        store.AfterStep = null;
        var database = await DatabaseAsync();
        var keys = new RedisKeys(_prefix);
        (await database.SortedSetLengthAsync(keys.Subject("alice"))).Should().Be(1, "the pending session stays indexed while its hash lives");
        (await store.ListAsync("alice", _time.GetUtcNow())).Should().BeEmpty();
        (await database.SortedSetLengthAsync(keys.Subject("alice"))).Should().Be(1, "a pending hash may still be activated, so it is not pruned");

        await database.KeyDeleteAsync(keys.Session(stopped.SessionId)); // what its TTL does
        (await store.ListAsync("alice", _time.GetUtcNow())).Should().BeEmpty();

        (await database.SortedSetLengthAsync(keys.Subject("alice"))).Should().Be(0, "the stale entry is pruned");
    }

    [TestCase(RedisSessionStore.StepRevokeMarked, false)]
    [TestCase(RedisSessionStore.StepRevokeMarked, true)]
    [TestCase(RedisSessionStore.StepRevokeLogged, false)]
    [TestCase(RedisSessionStore.StepRevokeLogged, true)]
    public async Task Revoke_StoppedAfterAStep_IsCompletedByARetryOrTheNextListing(string step, bool completeByListing)
    {
        var store = await StoreAsync();
        var peer = await StoreAsync();
        var seen = new List<string>();
        using var feed = peer.SubscribeToRevocations(r =>
        {
            lock (seen)
            {
                seen.Add(r.SessionId);
            }
        });
        await Eventually.HoldsAsync(() => peer.IsRevocationFeedAvailable, "the peer's feed to be live");
        var session = NewSession("alice");
        var other = NewSession("alice");
        await store.CreateAsync(session);
        await store.CreateAsync(other);

        StopAfter(store, step);
        await FluentActions.Awaiting(async () => await store.RevokeAsync(session.SessionId, _time.GetUtcNow(), SessionEndReason.Logout)).Should().ThrowAsync<StepStopped>();
        store.AfterStep = null;

        // Already safe: the refresh token is refused, and the session is no longer listed.
        (await store.TryRotateAsync(session.SessionId, 0, _time.GetUtcNow(), s_idle)).Status.Should().Be(RotationStatus.Revoked);
        if (completeByListing)
        {
            (await store.ListAsync("alice", _time.GetUtcNow())).Select(static s => s.SessionId).Should().Equal(other.SessionId);
        }
        else
        {
            (await store.RevokeAsync(session.SessionId, _time.GetUtcNow(), SessionEndReason.Logout))!.RevokedAt.Should().NotBeNull();
        }

        await Eventually.HoldsAsync(
            () =>
            {
                lock (seen)
                {
                    return seen.Contains(session.SessionId);
                }
            },
            "the completed revocation to reach the peer");
        var database = await DatabaseAsync();
        var keys = new RedisKeys(_prefix);
        (await database.SortedSetRangeByRankAsync(keys.Subject("alice"))).Select(static v => v.ToString()).Should().Equal(other.SessionId);
        (await database.SortedSetLengthAsync(keys.RevocationLog(RedisKeys.ShardOf(session.SessionId)))).Should().Be(1, "logging again is idempotent");
    }

    [Test]
    public async Task Revoke_StoppedAfterMarking_AlreadyEnforcedByTheRevokingProcess()
    {
        var store = await StoreAsync();
        var seen = new List<string>();
        using var feed = store.SubscribeToRevocations(r =>
        {
            lock (seen)
            {
                seen.Add(r.SessionId);
            }
        });
        var session = NewSession("alice");
        await store.CreateAsync(session);

        StopAfter(store, RedisSessionStore.StepRevokeMarked);
        await FluentActions.Awaiting(async () => await store.RevokeAsync(session.SessionId, _time.GetUtcNow(), SessionEndReason.Logout)).Should().ThrowAsync<StepStopped>();

        lock (seen)
        {
            seen.Should().Equal([session.SessionId], "the revoking process enforces a marked revocation before the log step can fail");
        }
    }

    [Test]
    public async Task Revoke_CallerCancelsAfterMarking_CarriedThroughToTheLogAndThePeers()
    {
        var store = await StoreAsync();
        var peer = await StoreAsync();
        var seen = new List<string>();
        using var feed = peer.SubscribeToRevocations(r =>
        {
            lock (seen)
            {
                seen.Add(r.SessionId);
            }
        });
        await Eventually.HoldsAsync(() => peer.IsRevocationFeedAvailable, "the peer's feed to be live");
        var session = NewSession("alice");
        await store.CreateAsync(session);
        using var caller = new CancellationTokenSource();
        store.AfterStep = name =>
        {
            if (name == RedisSessionStore.StepRevokeMarked)
            {
                caller.Cancel();
            }
        };

        var revoked = await store.RevokeAsync(session.SessionId, _time.GetUtcNow(), SessionEndReason.Logout, caller.Token);

        revoked!.RevokedAt.Should().NotBeNull();
        var database = await DatabaseAsync();
        var keys = new RedisKeys(_prefix);
        (await database.SortedSetLengthAsync(keys.RevocationLog(RedisKeys.ShardOf(session.SessionId)))).Should().Be(1);
        (await database.SortedSetLengthAsync(keys.Subject("alice"))).Should().Be(0);
        await Eventually.HoldsAsync(
            () =>
            {
                lock (seen)
                {
                    return seen.Contains(session.SessionId);
                }
            },
            "the revocation to reach the peer although its caller gave up");
    }

    private static void StopAfter(RedisSessionStore store, string step)
        => store.AfterStep = name =>
        {
            if (name == step)
            {
                throw new StepStopped();
            }
        };

    private Task<RedisSessionStore> StoreAsync()
        => _resources.StoreAsync(_address, _prefix, _time);

    private async Task<IDatabase> DatabaseAsync()
        => _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(_address))).GetDatabase();

    private SessionRecord NewSession(string subject)
    {
        var now = _time.GetUtcNow();
        return new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = subject,
            CreatedAt = now,
            AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
            IdleExpiresAt = now + s_idle,
            RotatedAt = now,
        };
    }

    private sealed class StepStopped : Exception
    {
        public StepStopped()
            : base("Stopped between two steps.")
        {
        }
    }
}
