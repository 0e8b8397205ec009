using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Testing;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// The shared store contract against a Redis Cluster of three primaries (started by the tests, or named by
/// <c>JWTSESSIONS_REDIS_CLUSTER</c>): each store on its own cluster connection, each test under its own key prefix.
/// </summary>
[TestFixture]
public sealed class RedisClusterConformanceTests : SessionStoreConformanceTests
{
    private TestResources _resources = new();
    private string _address = string.Empty;

    [SetUp]
    public async Task NewResourcesAsync()
    {
        _resources = new TestResources();
        _address = await RedisTestEnvironment.ClusterAddressAsync();
    }

    [TearDown]
    public async Task ReleaseAsync() => await _resources.DisposeAsync();

    protected override async ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
        => await _resources.StoreAsync(_address, _resources.NewPrefix(_address), timeProvider);

    protected override async ValueTask<ISessionStore?> CreateStoreWithTombstoneBoundAsync(TimeProvider timeProvider, int maxTombstones)
        => await _resources.StoreAsync(_address, _resources.NewPrefix(_address), timeProvider, o => o.MaxTombstones = maxTombstones);

    protected override async ValueTask<ISessionStore?> CreatePeerStoreAsync(ISessionStore first, TimeProvider timeProvider)
        => await _resources.StoreAsync(_address, ((RedisSessionStore)first).KeyPrefix, timeProvider);
}
