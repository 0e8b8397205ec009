using System.Diagnostics;
using JwtSessions.Redis.Internal;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Validation;

namespace JwtSessions.Redis.Tests;

/// <summary>Redis going away and coming back, on a private redis-server (AOF on, <c>appendfsync always</c>) that the tests kill.</summary>
public sealed class RedisFailureTests
{
    private TestResources _resources = new();
    private TestManagers _fleet = new();
    private RedisServerProcess? _redis;

    [SetUp]
    public async Task SetUpAsync()
    {
        _resources = new TestResources();
        _fleet = new TestManagers();
        _redis = await RedisServerProcess.StartAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _resources.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    [Test]
    public async Task Redis_StoppedThenRestarted_RefreshFailsClosedValidationGoesOnAndServiceResumes()
    {
        var redis = _redis!;
        var prefix = RedisTestEnvironment.NewPrefix();
        var store = await Store(redis, prefix);
        var strictStore = await Store(redis, prefix);
        var manager = _resources.Add(_fleet.Create(store));
        var strict = _resources.Add(_fleet.Create(strictStore, RevocationFailureMode.Reject));
        await Eventually.HoldsAsync(() => manager.Revocations.IsAvailable && strict.Revocations.IsAvailable, "the revocation feeds to be live");
        var live = await manager.StartSessionAsync("alice");
        var revoked = await manager.StartSessionAsync("bob");
        await manager.RevokeAsync(revoked.SessionId);
        await Eventually.HoldsAsync(() => strict.ValidateAccessToken(revoked.AccessToken).Error == TokenValidationError.Revoked, "the revocation to reach the strict server");

        await redis.KillAsync();
        await Eventually.HoldsAsync(() => !manager.Revocations.IsAvailable && !strict.Revocations.IsAvailable, "the feeds to report the outage");

        // Refreshes fail closed: nothing is issued, and the caller gets the one store-failure exception.
        var refresh = async () => await manager.RefreshAsync(live.RefreshToken);
        await refresh.Should().ThrowAsync<SessionStoreUnavailableException>();
        var strictRefresh = async () => await strict.RefreshAsync(live.RefreshToken);
        await strictRefresh.Should().ThrowAsync<SessionStoreUnavailableException>();
        var start = async () => await manager.StartSessionAsync("carol");
        await start.Should().ThrowAsync<SessionStoreUnavailableException>();

        // Validation goes on from local state (default), or rejects while the feed is down (Reject).
        manager.ValidateAccessToken(live.AccessToken).IsValid.Should().BeTrue();
        manager.ValidateAccessToken(revoked.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        strict.ValidateAccessToken(live.AccessToken).Error.Should().Be(TokenValidationError.RevocationUnavailable);

        await redis.RestartAsync();

        // Same objects, no restart of the application: the connections come back, the feeds catch up, refresh works again.
        await Eventually.HoldsAsync(() => manager.Revocations.IsAvailable && strict.Revocations.IsAvailable, "the feeds to catch up after the restart");
        var refreshed = await manager.RefreshAsync(live.RefreshToken);
        refreshed.Status.Should().Be(RefreshStatus.Rotated);
        (await strict.RefreshAsync(refreshed.Tokens!.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
        strict.ValidateAccessToken(live.AccessToken).IsValid.Should().BeTrue();
        strict.ValidateAccessToken(revoked.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
    }

    [Test]
    public async Task Revoke_WhileAPeerIsDisconnected_ReachesItAfterItReconnects()
    {
        var redis = _redis!;
        var prefix = RedisTestEnvironment.NewPrefix();
        var store = await Store(redis, prefix);
        var peerStore = await Store(redis, prefix);
        var manager = _resources.Add(_fleet.Create(store));
        var peer = _resources.Add(_fleet.Create(peerStore));
        await Eventually.HoldsAsync(() => manager.Revocations.IsAvailable && peer.Revocations.IsAvailable, "the revocation feeds to be live");
        var tokens = await manager.StartSessionAsync("alice");

        // Drop only the peer's pub/sub connection, then revoke while it reconnects: its message may be lost.
        await using (var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(redis.Address)))
        {
            await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        }

        await manager.RevokeAsync(tokens.SessionId);

        // The message reaches the peer by pub/sub, or by the catch-up reconcile of its reconnection. When the reconnection's
        // read runs before the revocation is logged and the message is published before the subscription is re-established,
        // the message is lost silently, and the next periodic reconcile reads it from the log: at most one ReconcileInterval
        // later (docs/redis.md). That timer runs on the fake clock, so the wait moves the clock on, one interval at a time.
        await HoldsWhileTheClockMovesAsync(
            () => peer.Revocations.Contains(tokens.SessionId) && peer.Revocations.IsAvailable,
            step: new RedisSessionStoreOptions().ReconcileInterval,
            every: TimeSpan.FromMilliseconds(200),
            "the peer to learn the revocation (pub/sub, the reconcile after its reconnection, or the next periodic one)");
        peer.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
    }

    [Test]
    public async Task Reconnect_ARevocationWhoseMessageWasLost_IsReadWithinASecondOfTheStoreClockNotAnInterval()
    {
        var redis = _redis!;
        var prefix = RedisTestEnvironment.NewPrefix();
        var peerStore = await Store(redis, prefix);
        var wentDown = false;
        var revoked = new List<string>();
        using var feed = peerStore.SubscribeToRevocations(
            r =>
            {
                lock (revoked)
                {
                    revoked.Add(r.SessionId);
                }
            },
            available => wentDown |= !available);
        await Eventually.HoldsAsync(() => peerStore.IsRevocationFeedAvailable, "the revocation feed to be live");

        // Drop the pub/sub connection; while it is down, a revocation lands in the log whose message the peer never gets.
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(redis.Address));
        await admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        await Eventually.HoldsAsync(() => Volatile.Read(ref wentDown), "the feed to report the lost connection");
        var at = _fleet.Time.GetUtcNow();
        var lost = System.Text.Json.JsonSerializer.Serialize(
            new StoredRevocation { SessionId = "lost-in-the-reconnect", Subject = "alice", RevokedAt = Instant.Encode(at), Reason = (int)SessionEndReason.Logout },
            RedisJsonContext.Default.StoredRevocation);
        await admin.GetDatabase().SortedSetAddAsync(new RedisKeys(prefix).RevocationLog(RedisKeys.ShardOf("lost-in-the-reconnect")), lost, await RedisTestEnvironment.ServerTimeMsAsync(admin.GetDatabase()));

        // The reconnection's catch-up may run before the subscription is back (it then reads nothing and waits); the
        // follow-up read one second later on the store's clock finds the revocation, where before only the periodic
        // reconcile did, a whole interval (5 s) later. The store's clock is moved a quarter second at a time.
        var advanced = await HoldsWhileTheClockMovesAsync(
            () =>
            {
                lock (revoked)
                {
                    return revoked.Contains("lost-in-the-reconnect") && peerStore.IsRevocationFeedAvailable;
                }
            },
            step: TimeSpan.FromMilliseconds(250),
            every: TimeSpan.FromMilliseconds(300),
            "the peer to read the revocation and report its feed live");

        peerStore.FollowUpDelay.Should().Be(TimeSpan.FromSeconds(1));
        advanced.Should().BeLessThan(new RedisSessionStoreOptions().ReconcileInterval, "the follow-up read, not the periodic one, catches it up");
    }

    [Test]
    public async Task Store_StartedWhileRedisIsDown_ServesOnceRedisComesUp()
    {
        var redis = _redis!;
        await redis.KillAsync();
        var store = await Store(redis, RedisTestEnvironment.NewPrefix());
        var manager = _resources.Add(_fleet.Create(store));

        manager.Revocations.IsAvailable.Should().BeFalse("nothing has been caught up yet");
        var start = async () => await manager.StartSessionAsync("alice");
        await start.Should().ThrowAsync<SessionStoreUnavailableException>();

        await redis.RestartAsync();

        await Eventually.HoldsAsync(() => manager.Revocations.IsAvailable, "the feed to come up with Redis");
        var tokens = await manager.StartSessionAsync("alice");
        (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task Redis_KilledAndRestartedWithAof_LosesNoSession()
    {
        var redis = _redis!;
        var prefix = RedisTestEnvironment.NewPrefix();
        var store = await Store(redis, prefix);
        var manager = _resources.Add(_fleet.Create(store));
        var sessions = new List<SessionTokens>();
        for (var i = 0; i < 50; i++)
        {
            var tokens = await manager.StartSessionAsync($"user-{i % 5}");
            if (i % 3 == 0)
            {
                tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
            }

            sessions.Add(tokens);
        }

        await manager.RevokeAsync(sessions[1].SessionId);
        var before = new List<SessionRecord>();
        foreach (var tokens in sessions)
        {
            before.Add((await store.GetAsync(tokens.SessionId))!);
        }

        await redis.KillAsync();
        await redis.RestartAsync();

        await Eventually.HoldsAsync(async () => await store.GetAsync(sessions[0].SessionId) is not null, "the store to reconnect");
        for (var i = 0; i < sessions.Count; i++)
        {
            (await store.GetAsync(sessions[i].SessionId)).Should().Be(before[i], "session {0} survives the crash", i);
        }

        (await manager.ListSessionsAsync("user-0")).Should().HaveCount(10);
        (await manager.ListSessionsAsync("user-1")).Should().HaveCount(9, "one of user-1's sessions was revoked");
        (await manager.RefreshAsync(sessions[0].RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
        (await manager.RefreshAsync(sessions[1].RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
    }

    /// <summary>A store on the private server with the short outage timeout: calls made while Redis is down fail within it.</summary>
    /// <summary>
    /// Waits until <paramref name="condition"/> holds, moving the fake clock the stores' timers run on by <paramref name="step"/>
    /// every <paramref name="every"/> of real time meanwhile; returns how far the clock moved.
    /// </summary>
    private async Task<TimeSpan> HoldsWhileTheClockMovesAsync(Func<bool> condition, TimeSpan step, TimeSpan every, string what)
    {
        var advanced = TimeSpan.Zero;
        var sinceAdvance = Stopwatch.StartNew();
        await Eventually.HoldsAsync(
            () =>
            {
                if (condition())
                {
                    return true;
                }

                if (sinceAdvance.Elapsed >= every)
                {
                    _fleet.Time.Advance(step);
                    advanced += step;
                    sinceAdvance.Restart();
                }

                return false;
            },
            what);
        return advanced;
    }

    private Task<RedisSessionStore> Store(RedisServerProcess redis, string prefix)
        => _resources.StoreAsync(redis.Address, prefix, _fleet.Time, commandTimeout: RedisTestEnvironment.OutageCommandTimeout);
}
