using JwtSessions.Dpop;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

public sealed class RedisSessionStoreServiceCollectionExtensionsTests
{
    private TestResources _resources = new();

    [SetUp]
    public void SetUp() => _resources = new TestResources();

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    [Test]
    public async Task AddRedisSessionStore_ConnectionString_ResolvesOneWorkingSingleton()
    {
        var address = RedisTestEnvironment.Address;
        var prefix = _resources.NewPrefix(address);
        var time = new FakeTimeProvider(TestManagers.Start);
        var services = SuiteLogs.Services()
            .AddSingleton<TimeProvider>(time)
            .AddRedisSessionStore(address + ",connectTimeout=1000", o => o.KeyPrefix = prefix);
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetRequiredService<IStartupValidator>().Validate();
        var store = provider.GetRequiredService<ISessionStore>();

        store.Should().BeOfType<RedisSessionStore>().And.BeSameAs(provider.GetRequiredService<RedisSessionStore>());
        ((RedisSessionStore)store).KeyPrefix.Should().Be(prefix);
        var session = new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = "alice",
            CreatedAt = time.GetUtcNow(),
            AbsoluteExpiresAt = time.GetUtcNow() + TimeSpan.FromDays(1),
            IdleExpiresAt = time.GetUtcNow() + TimeSpan.FromHours(1),
            RotatedAt = time.GetUtcNow(),
        };
        await store.CreateAsync(session);
        (await store.GetAsync(session.SessionId)).Should().Be(session);
    }

    [Test]
    public async Task AddRedisDpopReplayCache_BeforeAddJwtSessionsDpop_ReplacesTheInMemoryCacheOnTheStoresConnection()
    {
        var address = RedisTestEnvironment.Address;
        var prefix = _resources.NewPrefix(address);
        var time = new FakeTimeProvider(TestManagers.Start);
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddRedisSessionStore(address + ",connectTimeout=1000", o => o.KeyPrefix = prefix)
            .AddRedisDpopReplayCache()
            .AddJwtSessionsDpop();
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var cache = provider.GetRequiredService<IDpopReplayCache>();

        cache.Should().BeOfType<RedisDpopReplayCache>();
        var proofId = Guid.NewGuid().ToString("N");
        (await cache.TryAddAsync(proofId, time.GetUtcNow().AddMinutes(2))).Should().BeTrue();
        (await cache.TryAddAsync(proofId, time.GetUtcNow().AddMinutes(2))).Should().BeFalse("the second use of a proof is a replay");
        var db = provider.GetRequiredService<RedisSessionStore>().Connection.GetDatabase();
        (await db.KeyExistsAsync(prefix + "dpop:" + proofId)).Should().BeTrue("the key lives under the store's prefix");
    }

    [Test]
    public async Task AddRedisDpopReplayCache_AfterAddJwtSessionsDpopWithoutAStore_ThrowsWhenResolved()
    {
        var services = new ServiceCollection().AddJwtSessionsDpop().AddRedisDpopReplayCache();
        await using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IDpopReplayCache>();

        act.Should().Throw<InvalidOperationException>().WithMessage("*AddRedisSessionStore*");
    }

    [Test]
    public async Task AddRedisSessionStore_ExistingConnection_UsesItWithoutOwningIt()
    {
        var address = RedisTestEnvironment.Address;
        var connection = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(address)));
        var prefix = _resources.NewPrefix(address);
        var services = SuiteLogs.Services().AddRedisSessionStore(connection, o => o.KeyPrefix = prefix);

        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            (await provider.GetRequiredService<ISessionStore>().GetAsync("missing")).Should().BeNull();
        }

        connection.IsConnected.Should().BeTrue("the application owns the connection it passed in");
    }

    [TestCase(true, TestName = "AddRedisSessionStore_AfterAddJwtSessions_SessionManagerUsesRedis")]
    [TestCase(false, TestName = "AddRedisSessionStore_BeforeAddJwtSessions_SessionManagerUsesRedis")]
    public async Task AddRedisSessionStore_WithAddJwtSessions_SessionManagerUsesRedis(bool jwtSessionsFirst)
    {
        var address = RedisTestEnvironment.Address;
        var prefix = _resources.NewPrefix(address);
        var fleet = new TestManagers();
        var services = SuiteLogs.Services().AddSingleton<TimeProvider>(fleet.Time);
        void AddCore() => services.AddJwtSessions(o =>
        {
            o.Issuer = TestManagers.Issuer;
            o.Audience = TestManagers.Audience;
            o.AccessTokenKeys = fleet.AccessKeys;
            o.RefreshTokenKeys = fleet.RefreshKeys;
        });
        void AddRedis() => services.AddRedisSessionStore(address, o => o.KeyPrefix = prefix);
        if (jwtSessionsFirst)
        {
            AddCore();
            AddRedis();
        }
        else
        {
            AddRedis();
            AddCore();
        }

        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var manager = provider.GetRequiredService<SessionManager>();

        manager.Store.Should().BeSameAs(provider.GetRequiredService<RedisSessionStore>());
        var tokens = await manager.StartSessionAsync("alice");
        (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
    }

    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        yield return new TestCaseData("127.0.0.1:1", (Action<RedisSessionStoreOptions>)(static o => o.KeyPrefix = string.Empty)).SetName("EmptyPrefix");
        yield return new TestCaseData("127.0.0.1:1", (Action<RedisSessionStoreOptions>)(static o => o.ReconcileInterval = TimeSpan.Zero)).SetName("ZeroReconcileInterval");
        yield return new TestCaseData("127.0.0.1:1", (Action<RedisSessionStoreOptions>)(static o => o.RevocationRetention = TimeSpan.FromSeconds(-1))).SetName("NegativeRetention");
        yield return new TestCaseData("127.0.0.1:1", (Action<RedisSessionStoreOptions>)(static o => o.RevocationRetention = TimeSpan.FromMilliseconds(1))).SetName("RetentionShorterThanAReconcileReadsBack");
        yield return new TestCaseData("127.0.0.1:1", (Action<RedisSessionStoreOptions>)(static o =>
        {
            o.ReconcileInterval = TimeSpan.FromMinutes(1);
            o.RevocationRetention = TimeSpan.FromMinutes(3) - TimeSpan.FromTicks(1);
        })).SetName("RetentionJustUnderTwoIntervalsAndAMinute");
        yield return new TestCaseData(string.Empty, (Action<RedisSessionStoreOptions>)(static _ => { })).SetName("MissingConnectionString");
        yield return new TestCaseData("127.0.0.1:1", (Action<RedisSessionStoreOptions>)(static o => o.Configuration = " ")).SetName("BlankConnectionString");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public async Task AddRedisSessionStore_InvalidOptions_FailsAtStartup(string connectionString, Action<RedisSessionStoreOptions> configure)
    {
        await using var provider = SuiteLogs.Services().AddRedisSessionStore(connectionString, configure).BuildServiceProvider();

        var validate = () => provider.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>();
    }

    [Test]
    public async Task AddRedisSessionStore_ExistingConnectionAndEmptyPrefix_FailsAtStartup()
    {
        var connection = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address)));
        await using var provider = SuiteLogs.Services().AddRedisSessionStore(connection, static o => o.KeyPrefix = string.Empty).BuildServiceProvider();

        var validate = () => provider.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle().Which.Should().Contain("prefix");
    }

    [TestCase("app{}:")]
    [TestCase("{app}:")]
    [TestCase("app}:")]
    public async Task AddRedisSessionStore_PrefixWithABrace_FailsAtStartupNamingTheRule(string prefix)
    {
        var connection = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address)));
        await using var provider = SuiteLogs.Services().AddRedisSessionStore(connection, o => o.KeyPrefix = prefix).BuildServiceProvider();

        var validate = () => provider.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().Contain("must not contain '{' or '}'");
    }

    [TestCase(-1, 1000, "replica acknowledgement count", TestName = "AddRedisSessionStore_NegativeReplicaAcknowledgements_FailsAtStartup")]
    [TestCase(1, 0, "replica acknowledgement timeout", TestName = "AddRedisSessionStore_ZeroReplicaAcknowledgementTimeout_FailsAtStartup")]
    [TestCase(1, 60_001, "replica acknowledgement timeout", TestName = "AddRedisSessionStore_ReplicaAcknowledgementTimeoutOverAMinute_FailsAtStartup")]
    public async Task AddRedisSessionStore_ReplicaAcknowledgementOutOfRange_FailsAtStartupNamingTheSetting(int replicas, int timeoutMilliseconds, string named)
    {
        var connection = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address)));
        await using var provider = SuiteLogs.Services().AddRedisSessionStore(connection, o =>
        {
            o.ReplicaAcknowledgements = replicas;
            o.ReplicaAcknowledgementTimeout = TimeSpan.FromMilliseconds(timeoutMilliseconds);
        }).BuildServiceProvider();

        var validate = () => provider.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle().Which.Should().Contain(named);
    }

    [Test]
    public async Task ReplicaAcknowledgements_OnAServerWithoutReplicas_RotationRefusedAsUnavailable()
    {
        var prefix = _resources.NewPrefix(RedisTestEnvironment.Address);
        var time = new FakeTimeProvider(TestManagers.Start);
        var store = await _resources.StoreAsync(RedisTestEnvironment.Address, prefix, time, static o =>
        {
            o.ReplicaAcknowledgements = 1;
            o.ReplicaAcknowledgementTimeout = TimeSpan.FromMilliseconds(1);
        });
        var now = time.GetUtcNow();
        var session = new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = "alice",
            CreatedAt = now,
            AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
            IdleExpiresAt = now + TimeSpan.FromHours(1),
            RotatedAt = now,
        };

        var create = async () => await store.CreateAsync(session);

        // Garnet has no WAIT: the store refuses the write there too, naming the command.
        (await create.Should().ThrowAsync<SessionStoreUnavailableException>())
            .WithMessage(TestServerKind.Selected.IsGarnet ? "*refused WAIT, which ReplicaAcknowledgements needs*" : "*reached 0 of the 1 replicas*");
    }

    [TestCase(0, 60, TestName = "AddRedisSessionStore_NoTombstones_FailsAtStartup")]
    [TestCase(100, 0, TestName = "AddRedisSessionStore_TombstoneRetentionUnderASecond_FailsAtStartup")]
    public async Task AddRedisSessionStore_TombstoneBoundOutOfRange_FailsAtStartup(int maxTombstones, int retentionSeconds)
    {
        var connection = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address)));
        await using var provider = SuiteLogs.Services().AddRedisSessionStore(connection, o =>
        {
            o.MaxTombstones = maxTombstones;
            o.TombstoneRetention = TimeSpan.FromSeconds(retentionSeconds);
        }).BuildServiceProvider();

        var validate = () => provider.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle().Which.Should().Contain("tombstone");
    }

    [Test]
    public async Task AddRedisSessionStore_RetentionOfExactlyTwoIntervalsAndAMinute_PassesStartup()
    {
        await using var provider = SuiteLogs.Services()
            .AddRedisSessionStore("127.0.0.1:1", static o =>
            {
                o.ReconcileInterval = TimeSpan.FromMinutes(1);
                o.RevocationRetention = TimeSpan.FromMinutes(3);
            })
            .BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Test]
    public async Task AddRedisSessionStore_CalledTwice_KeepsTheFirstStoreWithOnlyItsOwnConfiguration()
    {
        // Nothing here connects: the options are read, the store is not resolved.
        await using var provider = SuiteLogs.Services()
            .AddRedisSessionStore("127.0.0.1:1,connectTimeout=200", static o => o.KeyPrefix = "first:")
            .AddRedisSessionStore("127.0.0.1:2,connectTimeout=200", static o => o.KeyPrefix = "second:")
            .BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var options = provider.GetRequiredService<IOptions<RedisSessionStoreOptions>>().Value;

        options.Configuration.Should().Be("127.0.0.1:1,connectTimeout=200");
        options.KeyPrefix.Should().Be("first:");
    }

    [Test]
    public void RedisSessionStore_InvalidOptions_ThrowsArgumentException()
    {
        var connect = () => RedisSessionStore.Connect(new RedisSessionStoreOptions { Configuration = "127.0.0.1:1", KeyPrefix = string.Empty });

        connect.Should().Throw<ArgumentException>();
    }
}
