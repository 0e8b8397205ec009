using JwtSessions.Redis.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>The DPoP replay cache on a real server: SET NX PX, shared by every server, expiring by itself.</summary>
public sealed class RedisDpopReplayCacheTests
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

    private async Task<IConnectionMultiplexer> ConnectAsync()
        => _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address)));

    [Test]
    public async Task TryAddAsync_SameIdOnTwoServers_SecondRefused()
    {
        var first = new RedisDpopReplayCache(await ConnectAsync(), _prefix, _time);
        var second = new RedisDpopReplayCache(await ConnectAsync(), _prefix, _time);

        (await first.TryAddAsync("proof-1", _time.GetUtcNow().AddMinutes(2))).Should().BeTrue();
        (await second.TryAddAsync("proof-1", _time.GetUtcNow().AddMinutes(2))).Should().BeFalse();
        (await second.TryAddAsync("proof-2", _time.GetUtcNow().AddMinutes(2))).Should().BeTrue();
    }

    [Test]
    public async Task TryAddAsync_Entry_ExpiresWithTheWindow()
    {
        var connection = await ConnectAsync();
        var cache = new RedisDpopReplayCache(connection, _prefix, _time);

        await cache.TryAddAsync("proof-1", _time.GetUtcNow().AddMinutes(2));

        var ttl = (long)await connection.GetDatabase().ExecuteAsync("PTTL", (RedisKey)(_prefix + "dpop:proof-1"));
        ttl.Should().BeInRange(110_000, 120_000);
    }

    [Test]
    public async Task TryAddAsync_ExpiryAlreadyPassed_KeptAtLeastASecond()
    {
        var connection = await ConnectAsync();
        var cache = new RedisDpopReplayCache(connection, _prefix, _time);

        (await cache.TryAddAsync("proof-1", _time.GetUtcNow().AddMinutes(-1))).Should().BeTrue();

        var ttl = (long)await connection.GetDatabase().ExecuteAsync("PTTL", (RedisKey)(_prefix + "dpop:proof-1"));
        ttl.Should().BeInRange(1, 1000);
    }
}
