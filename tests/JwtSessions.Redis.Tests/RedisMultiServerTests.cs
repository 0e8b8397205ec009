using JwtSessions.Redis.Internal;
using System.Globalization;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// Two "servers" sharing one Redis: two connections, two stores, two session managers with the same key rings and clock.
/// </summary>
public sealed class RedisMultiServerTests
{
    /// <summary>The bound these tests allow for pub/sub propagation; generous for a loaded CI machine (docs/redis.md has the measured figures).</summary>
    private static readonly TimeSpan s_pubSubBound = TimeSpan.FromSeconds(5);

    private TestResources _resources = new();
    private TestManagers _fleet = new();
    private string _prefix = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _resources = new TestResources();
        _fleet = new TestManagers();
        _prefix = _resources.NewPrefix(RedisTestEnvironment.Address);
    }

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    [Test]
    public async Task Revoke_OnOneServer_OtherServerRejectsTheAccessTokenWithinTheBound()
    {
        var (a, b, _, _) = await TwoServersAsync();
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 20; i++)
        {
            var tokens = await a.StartSessionAsync("alice");
            b.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();

            (await a.RevokeAsync(tokens.SessionId)).Should().BeTrue();

            a.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked, "the revoking server enforces at once");
            delays.Add(await Eventually.HoldsAsync(
                () => b.ValidateAccessToken(tokens.AccessToken).Error == TokenValidationError.Revoked,
                "the other server to reject the revoked session's access token",
                s_pubSubBound));
        }

        delays.Sort();
        TestContext.Progress.WriteLine(
            $"revocation propagation over pub/sub (20 samples, polled every ~1 ms): median {delays[10].TotalMilliseconds:0.0} ms, max {delays[^1].TotalMilliseconds:0.0} ms");
    }

    [Test]
    public async Task Revoke_WhoseMessageWasLost_IsCaughtUpByThePeriodicReconcile()
    {
        var (a, b, storeA, _) = await TwoServersAsync();
        var tokens = await a.StartSessionAsync("alice");

        // A revocation recorded in the log but never published: what a subscriber misses while its connection is down.
        var now = _fleet.Time.GetUtcNow();
        var ticks = now.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);
        var database = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address))).GetDatabase();
        await database.HashSetAsync(new RedisKeys(_prefix).Session(tokens.SessionId), [new("rev", ticks), new("why", (int)SessionEndReason.Administrative)]);
        await database.SortedSetAddAsync(
            new RedisKeys(_prefix).RevocationLog(RedisKeys.ShardOf(tokens.SessionId)),
            $$"""{"id":"{{tokens.SessionId}}","sub":"alice","at":"{{ticks}}","why":{{(int)SessionEndReason.Administrative}}}""",
            await RedisTestEnvironment.ServerTimeMsAsync(database));
        b.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue("nothing was pushed");

        _fleet.Time.Advance(new RedisSessionStoreOptions().ReconcileInterval);

        await Eventually.HoldsAsync(
            () => b.ValidateAccessToken(tokens.AccessToken).Error == TokenValidationError.Revoked && a.ValidateAccessToken(tokens.AccessToken).Error == TokenValidationError.Revoked,
            "both servers to pick the revocation up from the log at the next reconcile");
        (await storeA.GetAsync(tokens.SessionId))!.RevokedAt.Should().Be(now);
    }

    [Test]
    public async Task Refresh_SameTokenThirtyTwoTimesAcrossBothServers_RotatesOnceAndReissuesTheRest()
    {
        var (a, b, storeA, _) = await TwoServersAsync();
        var tokens = await a.StartSessionAsync("alice");

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => (i % 2 == 0 ? a : b).RefreshAsync(tokens.RefreshToken).AsTask()));

        results.Count(static r => r.Status == RefreshStatus.Rotated).Should().Be(1);
        results.Where(static r => r.Status != RefreshStatus.Rotated).Should().OnlyContain(static r => r.Status == RefreshStatus.GraceReissued);
        results.Should().OnlyContain(static r => r.Tokens!.Generation == 1, "no fork: every caller ends on the same generation");
        var stored = await storeA.GetAsync(tokens.SessionId);
        stored!.Generation.Should().Be(1);
        stored.RevokedAt.Should().BeNull();
        results.Should().OnlyContain(r => a.ValidateAccessToken(r.Tokens!.AccessToken).IsValid && b.ValidateAccessToken(r.Tokens!.AccessToken).IsValid);
    }

    [Test]
    public async Task Refresh_ThirtyTwoSessionsRotatingInParallelAlternatingServers_EveryStepRotates()
    {
        var (a, b, storeA, _) = await TwoServersAsync();
        var sessions = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => (i % 2 == 0 ? a : b).StartSessionAsync($"user-{i % 4}").AsTask()));

        var finals = await Task.WhenAll(sessions.Select(async (start, i) =>
        {
            var current = start;
            for (var step = 0; step < 4; step++)
            {
                var result = await ((i + step) % 2 == 0 ? a : b).RefreshAsync(current.RefreshToken);
                result.Status.Should().Be(RefreshStatus.Rotated);
                current = result.Tokens!;
            }

            return current;
        }));

        finals.Should().OnlyContain(static t => t.Generation == 4);
        foreach (var session in finals)
        {
            (await storeA.GetAsync(session.SessionId))!.Generation.Should().Be(4);
        }
    }

    [Test]
    public async Task Refresh_ReplayOnOneServerAfterGrace_RevokesTheSessionEverywhere()
    {
        var (a, b, _, _) = await TwoServersAsync();
        var first = await a.StartSessionAsync("alice");
        var second = (await a.RefreshAsync(first.RefreshToken)).Tokens!;
        var third = (await b.RefreshAsync(second.RefreshToken)).Tokens!;
        _fleet.Time.Advance(TimeSpan.FromSeconds(11));

        var replay = await b.RefreshAsync(first.RefreshToken);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
        await Eventually.HoldsAsync(
            () => a.ValidateAccessToken(third.AccessToken).Error == TokenValidationError.Revoked,
            "the other server to reject the stolen session's access token",
            s_pubSubBound);
        (await a.RefreshAsync(third.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
    }

    [Test]
    public async Task Subscribe_RevocationSeenByPubSubAndReconciles_IsDeliveredOnce()
    {
        var (a, _, _, storeB) = await TwoServersAsync();
        var deliveries = new System.Collections.Concurrent.ConcurrentBag<SessionRevocation>();
        using var subscription = storeB.SubscribeToRevocations(deliveries.Add);
        var tokens = await a.StartSessionAsync("alice");

        await a.RevokeAsync(tokens.SessionId);
        await Eventually.HoldsAsync(() => !deliveries.IsEmpty, "the revocation to reach store B", s_pubSubBound);
        for (var i = 0; i < 3; i++)
        {
            _fleet.Time.Advance(new RedisSessionStoreOptions().ReconcileInterval);
            await Eventually.HoldsAsync(() => storeB.IsRevocationFeedAvailable, "the reconcile to finish");
        }

        deliveries.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new SessionRevocation(tokens.SessionId, "alice", _fleet.Time.GetUtcNow() - (3 * new RedisSessionStoreOptions().ReconcileInterval), SessionEndReason.Logout));
    }

    [Test]
    public async Task Subscribe_LateSubscriber_ReceivesRevocationsAlreadyKnown()
    {
        var (a, _, _, storeB) = await TwoServersAsync();
        var tokens = await a.StartSessionAsync("alice");
        await a.RevokeAsync(tokens.SessionId);
        await Eventually.HoldsAsync(() => storeB.IsRevocationFeedAvailable, "store B's feed");

        using var late = _resources.Add(_fleet.Create(storeB));

        await Eventually.HoldsAsync(
            () => late.ValidateAccessToken(tokens.AccessToken).Error == TokenValidationError.Revoked,
            "a manager created after the revocation to reject the token",
            s_pubSubBound);
    }

    [Test]
    public async Task Subscribe_UserWithTheResourceServersAcl_ReceivesRevocationsAndCannotWrite()
    {
        // The ACL of docs/resource-servers.md ("With the shared Redis feed"): the revocation log and channel, read only.
        var address = RedisTestEnvironment.Address;
        if (address.Contains(',', StringComparison.Ordinal))
        {
            Assert.Ignore("ACL SETUSER applies to one node: on a cluster the user would have to be created on every node; this test runs on the single server.");
        }

        var user = "rs-" + Guid.NewGuid().ToString("N")[..12];
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(address));
        try
        {
            await admin.GetDatabase().ExecuteAsync(
                "ACL", "SETUSER", user, "on", ">" + password, "resetkeys", "resetchannels",
                "~" + _prefix + "revocations:*", "&" + _prefix + "revoked",
                "+subscribe", "+zrangebyscore", "+ping", "+echo", "+info", "+client|setname");
        }
        catch (StackExchange.Redis.RedisServerException ex) when (ex.Message.Contains("ACL Authenticator is disabled", StringComparison.Ordinal))
        {
            Assert.Ignore("The test Garnet runs without ACLs; CI runs this test on redis-server (docs/testing.md).");
        }

        try
        {
            var issuer = _resources.Add(_fleet.Create(await _resources.StoreAsync(address, _prefix, _fleet.Time)));
            var configuration = RedisTestEnvironment.Configuration(address);
            (configuration.User, configuration.Password) = (user, password);
            using var readOnlyStore = await RedisSessionStore.ConnectAsync(
                configuration, new RedisSessionStoreOptions { KeyPrefix = _prefix, TimeProvider = _fleet.Time });
            var revoked = new System.Collections.Concurrent.ConcurrentBag<string>();
            using var subscription = readOnlyStore.SubscribeToRevocations(r => revoked.Add(r.SessionId));
            await Eventually.HoldsAsync(() => readOnlyStore.IsRevocationFeedAvailable, "the read-only feed to be live");

            var tokens = await issuer.StartSessionAsync("alice");
            await issuer.RevokeAsync(tokens.SessionId);

            var latency = await Eventually.HoldsAsync(() => revoked.Contains(tokens.SessionId), "the revocation to reach the read-only user", s_pubSubBound);
            TestContext.Out.WriteLine($"The revocation reached the read-only feed {latency.TotalMilliseconds:F1} ms after RevokeAsync returned.");
            readOnlyStore.IsRevocationFeedAvailable.Should().BeTrue("the feed needs nothing beyond the ACL");
            var write = () => readOnlyStore.RevokeAsync(tokens.SessionId, _fleet.Time.GetUtcNow(), SessionEndReason.Logout).AsTask();
            await write.Should().ThrowAsync<SessionStoreUnavailableException>("the user may not run the store's scripts");
        }
        finally
        {
            await admin.GetDatabase().ExecuteAsync("ACL", "DELUSER", user);
        }
    }

    private async Task<(SessionManager A, SessionManager B, RedisSessionStore StoreA, RedisSessionStore StoreB)> TwoServersAsync()
    {
        var address = RedisTestEnvironment.Address;
        var storeA = await _resources.StoreAsync(address, _prefix, _fleet.Time);
        var storeB = await _resources.StoreAsync(address, _prefix, _fleet.Time);
        var a = _resources.Add(_fleet.Create(storeA));
        var b = _resources.Add(_fleet.Create(storeB));
        await Eventually.HoldsAsync(() => a.Revocations.IsAvailable && b.Revocations.IsAvailable, "both revocation feeds to be live");
        return (a, b, storeA, storeB);
    }
}
