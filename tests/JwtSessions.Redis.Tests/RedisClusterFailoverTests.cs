using System.Collections.Concurrent;
using JwtSessions.Redis.Internal;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// A primary killed under load on a redis-server cluster with a replica per primary: the replica takes over, the store
/// (waiting for one replica on every write, <see cref="RedisSessionStoreOptions.ReplicaAcknowledgements"/>) loses no
/// acknowledged rotation, and no generation is ever reached twice. The cluster is the test's own, since it kills a node.
/// </summary>
public sealed class RedisClusterFailoverTests
{
    private static readonly TimeSpan s_idle = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_failoverBound = TimeSpan.FromSeconds(60);

    [SetUp]
    public void SetUp()
    {
        if (TestServerKind.Selected.IsGarnet)
        {
            Assert.Ignore("Replication and failover are exercised on redis-server's cluster; the embedded Garnet cluster has no replicas.");
        }

        if (RedisClusterProcess.Unavailable is { } reason)
        {
            Assert.Ignore(reason);
        }
    }

    [Test]
    public async Task WriteOps_WhileTheReplicaIsStalled_AreNotAcknowledgedAndTakeEffectOnceRetried()
    {
        await using var cluster = await RedisClusterProcess.StartAsync(replicasPerPrimary: 1);
        var time = new FakeTimeProvider(TestManagers.Start);
        var prefix = RedisTestEnvironment.NewPrefix();
        await using var waiting = await RedisTestEnvironment.ConnectStoreAsync(cluster.Address, prefix, time, static options =>
        {
            options.ReplicaAcknowledgements = 1;
            options.ReplicaAcknowledgementTimeout = TimeSpan.FromMilliseconds(200);
        });
        await using var asynchronous = await RedisTestEnvironment.ConnectStoreAsync(cluster.Address, prefix, time);
        var keys = new RedisKeys(prefix);
        var sessions = await NewSessionsAsync(waiting, time, 2);
        var admin = await ConnectionMultiplexer.ConnectAsync(AdminConfiguration(cluster.Address));
        await using var adminLifetime = admin;
        var replica = ReplicaOf(cluster, admin, keys.Session(sessions[0].SessionId));
        (await waiting.TryRotateAsync(sessions[0].SessionId, 0, time.GetUtcNow(), s_idle)).Status.Should().Be(RotationStatus.Rotated, "the replica is in sync");

        var enforced = new ConcurrentQueue<string>();
        using var feed = waiting.SubscribeToRevocations(r => enforced.Enqueue(r.SessionId));

        replica.Suspend();
        try
        {
            // The primary applies the rotation, but its replica does not have it: not acknowledged.
            var rotate = async () => await waiting.TryRotateAsync(sessions[0].SessionId, 1, time.GetUtcNow(), s_idle);
            (await rotate.Should().ThrowAsync<SessionStoreUnavailableException>()).WithMessage("*reached 0 of the 1 replicas*could be lost in a failover*");

            // A store that does not wait acknowledges the same kind of write at once: what a failover now could lose.
            (await asynchronous.TryRotateAsync(sessions[0].SessionId, 2, time.GetUtcNow(), s_idle)).Status.Should().Be(RotationStatus.Rotated);

            // A revocation is enforced here and logged at once, but not acknowledged either.
            var revoke = async () => await waiting.RevokeAsync(sessions[0].SessionId, time.GetUtcNow(), SessionEndReason.Logout);
            await revoke.Should().ThrowAsync<SessionStoreUnavailableException>();
            enforced.Should().Contain(sessions[0].SessionId, "a revocation marked in the store is enforced by this server whatever follows");
        }
        finally
        {
            replica.Resume();
        }

        // Retried once the replica is back, both complete and are acknowledged.
        var rotated = await waiting.TryRotateAsync(sessions[1].SessionId, 0, time.GetUtcNow(), s_idle);
        rotated.Status.Should().Be(RotationStatus.Rotated);
        var stored = (await waiting.GetAsync(sessions[0].SessionId))!;
        stored.Generation.Should().Be(3, "the unacknowledged rotation happened on the primary");
        stored.RevokedAt.Should().NotBeNull();
        (await waiting.RevokeAsync(sessions[0].SessionId, time.GetUtcNow(), SessionEndReason.Logout)).Should().NotBeNull("a retried revocation completes its steps");
    }

    [Test]
    public async Task TryRotate_WhenAPrimaryDiesAndItsReplicaTakesOver_LosesNoAcknowledgedRotationAndNeverForks()
    {
        await using var cluster = await RedisClusterProcess.StartAsync(replicasPerPrimary: 1);
        var time = new FakeTimeProvider(TestManagers.Start);
        var prefix = RedisTestEnvironment.NewPrefix();
        await using var store = await RedisTestEnvironment.ConnectStoreAsync(
            cluster.Address,
            prefix,
            time,
            static options => options.ReplicaAcknowledgements = 1);
        var keys = new RedisKeys(prefix);
        var sessions = await NewSessionsAsync(store, time, 12);

        // The victim: the primary holding the first session; the sessions it holds are the ones whose rotations are at risk.
        var admin = await ConnectionMultiplexer.ConnectAsync(AdminConfiguration(cluster.Address));
        await using var adminLifetime = admin;
        var victimEndpoint = admin.GetServer(keys.Session(sessions[0].SessionId)).EndPoint;
        var victim = cluster.Nodes.Single(n => n.Address == Format(victimEndpoint));
        var atRisk = sessions.Where(s => Format(admin.GetServer(keys.Session(s.SessionId)).EndPoint) == victim.Address).Select(static s => s.SessionId).ToHashSet();

        var reached = new ConcurrentDictionary<(string Id, long Generation), int>();
        var highestAcknowledged = new ConcurrentDictionary<string, long>();
        var acknowledged = 0;
        var unknown = 0;
        var atRiskAcknowledged = 0;
        using var stop = new CancellationTokenSource();

        // Two callers per session, each rotating from the generation it last saw: they race, and the loser reads a mismatch.
        var callers = sessions.SelectMany(s => new[] { s, s }).Select(session => Task.Run(async () =>
        {
            var generation = 0L;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var outcome = await store.TryRotateAsync(session.SessionId, generation, time.GetUtcNow(), s_idle);
                    generation = outcome.Session!.Generation;
                    if (outcome.Status == RotationStatus.Rotated)
                    {
                        reached.AddOrUpdate((session.SessionId, generation), 1, static (_, n) => n + 1);
                        highestAcknowledged.AddOrUpdate(session.SessionId, generation, (_, highest) => Math.Max(highest, generation));
                        Interlocked.Increment(ref acknowledged);
                        if (atRisk.Contains(session.SessionId))
                        {
                            Interlocked.Increment(ref atRiskAcknowledged);
                        }
                    }
                }
                catch (SessionStoreUnavailableException)
                {
                    // The rotation may or may not have happened (the primary is down, or no replica acknowledged it yet):
                    // read the current generation again once the store answers.
                    Interlocked.Increment(ref unknown);
                    generation = await CurrentGenerationAsync(store, session.SessionId, generation, stop.Token);
                }
            }
        })).ToArray();

        // Load first, then the crash: SIGKILL, with whatever the replica has not received lost with the process.
        await Eventually.HoldsAsync(() => Volatile.Read(ref atRiskAcknowledged) >= 200, "rotations on the victim's sessions before the crash", s_failoverBound);
        await victim.KillAsync();
        var beforePromotion = Volatile.Read(ref atRiskAcknowledged);

        // The replica is promoted (cluster-node-timeout 2 s); the store follows the new primary. The victim then restarts and
        // rejoins as the new primary's replica, so that its writes are acknowledged by a replica again.
        await Eventually.HoldsAsync(() => PromotedAwayFrom(admin, keys.Session(sessions[0].SessionId), victim.Address), "a replica to take over the dead primary's slots", s_failoverBound);
        await victim.RestartAsync();
        await Eventually.HoldsAsync(() => Volatile.Read(ref atRiskAcknowledged) >= beforePromotion + 200, "rotations on the victim's sessions after the failover", s_failoverBound);

        await stop.CancelAsync();
        await Task.WhenAll(callers);

        reached.Values.Should().OnlyContain(n => n == 1, "each generation is reached by exactly one acknowledged rotation: a lost one would be reached again");
        foreach (var session in sessions)
        {
            var stored = (await store.GetAsync(session.SessionId))!;
            stored.Generation.Should().BeGreaterThanOrEqualTo(highestAcknowledged.GetValueOrDefault(session.SessionId), "every acknowledged rotation is kept");
        }

        TestContext.Progress.WriteLine(
            $"Primary {victim.Address} killed under load ({atRisk.Count} of {sessions.Count} sessions on it): {acknowledged} acknowledged "
            + $"rotations ({Volatile.Read(ref atRiskAcknowledged)} on its sessions), {unknown} with an unknown outcome, none lost");
    }

    private static async Task<List<SessionRecord>> NewSessionsAsync(RedisSessionStore store, FakeTimeProvider time, int count)
    {
        var sessions = new List<SessionRecord>();
        for (var i = 0; i < count; i++)
        {
            var now = time.GetUtcNow();
            var session = new SessionRecord
            {
                SessionId = Guid.NewGuid().ToString("N"),
                Subject = "user-" + i,
                CreatedAt = now,
                AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
                IdleExpiresAt = now + s_idle,
                RotatedAt = now,
            };
            await store.CreateAsync(session);
            sessions.Add(session);
        }

        return sessions;
    }

    /// <summary>The replica process of the primary that serves <paramref name="key"/>.</summary>
    private static RedisServerProcess ReplicaOf(RedisClusterProcess cluster, ConnectionMultiplexer admin, RedisKey key)
    {
        var primary = admin.GetServer(key);
        var node = primary.ClusterNodes()!.Nodes.Single(static n => n.IsMyself);
        var replica = Format(node.Children.Single().EndPoint);
        return cluster.Nodes.Single(n => n.Address == replica);
    }

    private static async Task<long> CurrentGenerationAsync(RedisSessionStore store, string sessionId, long last, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                return (await store.GetAsync(sessionId, CancellationToken.None))?.Generation ?? last;
            }
            catch (SessionStoreUnavailableException)
            {
                // Still failing over: ask again shortly; the assertions do not depend on how long this takes.
                await Task.Delay(50, CancellationToken.None);
            }
        }

        return last;
    }

    /// <summary>Whether a surviving node reports that a primary other than the dead one serves <paramref name="key"/>'s slot.</summary>
    private static bool PromotedAwayFrom(ConnectionMultiplexer admin, RedisKey key, string dead)
    {
        var slot = admin.HashSlot(key);
        foreach (var server in admin.GetServers().Where(s => s.IsConnected && Format(s.EndPoint) != dead))
        {
            try
            {
                var owner = server.ClusterNodes()?.GetBySlot(slot);
                if (owner is { IsReplica: false, IsConnected: true } && Format(owner.EndPoint) != dead)
                {
                    return true;
                }
            }
            catch (RedisException)
            {
                // This node is not answering yet; another may.
            }
        }

        return false;
    }

    private static ConfigurationOptions AdminConfiguration(string address)
    {
        var configuration = RedisTestEnvironment.Configuration(address);
        configuration.AllowAdmin = true;
        return configuration;
    }

    private static string Format(System.Net.EndPoint? endPoint)
        => endPoint is System.Net.IPEndPoint ip ? $"{ip.Address}:{ip.Port}" : endPoint?.ToString() ?? string.Empty;
}
