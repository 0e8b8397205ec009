using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Testing;

namespace JwtSessions.Redis.Tests;

/// <summary>The shared store contract, run against a real Redis: each store on its own connection, each test under its own key prefix.</summary>
[TestFixture]
public sealed class RedisSessionStoreConformanceTests : SessionStoreConformanceTests
{
    private TestResources _resources = new();

    [SetUp]
    public void NewResources() => _resources = new TestResources();

    [TearDown]
    public async Task ReleaseAsync() => await _resources.DisposeAsync();

    protected override async ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        var address = RedisTestEnvironment.Address;
        return await _resources.StoreAsync(address, _resources.NewPrefix(address), timeProvider);
    }

    protected override async ValueTask<ISessionStore?> CreateStoreWithTombstoneBoundAsync(TimeProvider timeProvider, int maxTombstones)
    {
        var address = RedisTestEnvironment.Address;
        return await _resources.StoreAsync(address, _resources.NewPrefix(address), timeProvider, o => o.MaxTombstones = maxTombstones);
    }

    protected override async ValueTask<ISessionStore?> CreatePeerStoreAsync(ISessionStore first, TimeProvider timeProvider)
    {
        // Another server: a second connection (multiplexer) to the same Redis, same prefix.
        var prefix = ((RedisSessionStore)first).KeyPrefix;
        return await _resources.StoreAsync(RedisTestEnvironment.Address, prefix, timeProvider);
    }
}
