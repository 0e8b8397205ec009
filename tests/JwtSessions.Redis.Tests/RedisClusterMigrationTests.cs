using System.Collections.Concurrent;
using JwtSessions.Redis.Internal;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// Slot migration under load on a redis-server cluster: while callers rotate sessions, the slots of those sessions move to
/// another primary (<c>CLUSTER SETSLOT … IMPORTING/MIGRATING</c>, <c>MIGRATE</c>, <c>SETSLOT … NODE</c>); the client follows
/// <c>ASK</c> and <c>MOVED</c>, no generation is ever reached twice (no fork), and no acknowledged rotation is lost.
/// </summary>
public sealed class RedisClusterMigrationTests
{
    private static readonly TimeSpan s_idle = TimeSpan.FromHours(1);

    private TestResources _resources = new();
    private string _address = string.Empty;

    [SetUp]
    public async Task SetUpAsync()
    {
        _resources = new TestResources();
        _address = await RedisTestEnvironment.ClusterAddressAsync();
        if (TestServerKind.Selected.IsGarnet && Environment.GetEnvironmentVariable(RedisTestEnvironment.ClusterVariable) is not { Length: > 0 })
        {
            Assert.Ignore("Slot migration is exercised on redis-server's cluster; the embedded Garnet cluster is not migrated by this test.");
        }
    }

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    [Test]
    public async Task TryRotate_WhileTheSessionsSlotsMigrate_NeverForksAndLosesNoAcknowledgedRotation()
    {
        var time = new FakeTimeProvider(TestManagers.Start);
        var prefix = _resources.NewPrefix(_address);
        var store = await _resources.StoreAsync(_address, prefix, time);
        var keys = new RedisKeys(prefix);
        var sessions = new List<SessionRecord>();
        for (var i = 0; i < 8; i++)
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

        var admin = _resources.Add(await ConnectionMultiplexer.ConnectAsync(AdminConfiguration()));
        var reached = new ConcurrentDictionary<(string Id, long Generation), int>();
        var acknowledged = new ConcurrentDictionary<string, int>();
        var unknown = new ConcurrentDictionary<string, int>();
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
                        acknowledged.AddOrUpdate(session.SessionId, 1, static (_, n) => n + 1);
                    }
                }
                catch (SessionStoreUnavailableException)
                {
                    // The rotation may or may not have happened: counted as unknown; read the current generation again.
                    unknown.AddOrUpdate(session.SessionId, 1, static (_, n) => n + 1);
                    generation = (await store.GetAsync(session.SessionId))?.Generation ?? generation;
                }
            }
        })).ToArray();

        // Move every session's slot to the next primary, one after another, while the callers run.
        foreach (var session in sessions)
        {
            await MigrateAsync(admin, keys.Session(session.SessionId));
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);

        reached.Values.Should().OnlyContain(n => n == 1, "each generation is reached by exactly one rotation");
        foreach (var session in sessions)
        {
            var stored = (await store.GetAsync(session.SessionId))!;
            var ok = acknowledged.GetValueOrDefault(session.SessionId);
            stored.Generation.Should().BeInRange(ok, ok + unknown.GetValueOrDefault(session.SessionId), "every acknowledged rotation is kept");
        }

        acknowledged.Values.Sum().Should().BePositive();
        TestContext.Progress.WriteLine(
            $"{sessions.Count} slots migrated under load: {acknowledged.Values.Sum()} acknowledged rotations, {unknown.Values.Sum()} with an unknown outcome");
    }

    private ConfigurationOptions AdminConfiguration()
    {
        var configuration = RedisTestEnvironment.Configuration(_address);
        configuration.AllowAdmin = true;
        return configuration;
    }

    /// <summary>Moves the slot of <paramref name="key"/> to another primary, the way redis-cli --cluster reshard does.</summary>
    private static async Task MigrateAsync(ConnectionMultiplexer admin, RedisKey key)
    {
        var slot = admin.HashSlot(key);
        var primaries = admin.GetServers().Where(static s => !s.IsReplica).ToList();
        var source = primaries.Single(s => IsOwner(s, slot));
        var target = primaries.First(s => s != source);
        var sourceId = (string)(await source.ExecuteAsync("CLUSTER", "MYID"))!;
        var targetId = (string)(await target.ExecuteAsync("CLUSTER", "MYID"))!;
        var targetEndpoint = (System.Net.IPEndPoint)target.EndPoint;

        await target.ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
        await source.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);

        // Let the callers run against the slot while it is marked migrating (ASK redirections once its key has moved); the
        // assertions do not depend on how long.
        await Task.Delay(20);
        while (true)
        {
            var keys = (RedisResult[])(await source.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 100))!;
            if (keys.Length == 0)
            {
                break;
            }

            var arguments = new List<object> { targetEndpoint.Address.ToString(), targetEndpoint.Port, string.Empty, 0, 5000, "KEYS" };
            arguments.AddRange(keys.Select(static k => (object)(string)k!));
            await source.ExecuteAsync("MIGRATE", [.. arguments]);
        }

        foreach (var primary in primaries)
        {
            await primary.ExecuteAsync("CLUSTER", "SETSLOT", slot, "NODE", targetId);
        }

        IsOwner(target, slot).Should().BeTrue("slot {0} moved to {1}", slot, target.EndPoint);
        IsOwner(source, slot).Should().BeFalse();
    }

    private static bool IsOwner(IServer server, int slot)
    {
        var nodes = server.ClusterNodes();
        var mine = nodes?.Nodes.FirstOrDefault(static n => n.IsMyself);
        return mine is not null && mine.Slots.Any(r => r.From <= slot && slot <= r.To);
    }
}
