using JwtSessions.Redis;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>What a test made (stores, managers, connections) and the key prefixes it used, released in reverse order.</summary>
internal sealed class TestResources : IAsyncDisposable
{
    private readonly List<object> _owned = [];
    private readonly List<(string Address, string Prefix)> _prefixes = [];

    public T Add<T>(T resource)
        where T : class
    {
        _owned.Add(resource);
        return resource;
    }

    public string NewPrefix(string address)
    {
        var prefix = RedisTestEnvironment.NewPrefix();
        _prefixes.Add((address, prefix));
        return prefix;
    }

    public async Task<RedisSessionStore> StoreAsync(
        string address,
        string prefix,
        TimeProvider time,
        Action<RedisSessionStoreOptions>? configure = null,
        TimeSpan? commandTimeout = null)
        => Add(await RedisTestEnvironment.ConnectStoreAsync(address, prefix, time, configure, commandTimeout));

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            switch (_owned[i])
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _owned.Clear();
        foreach (var (address, prefix) in _prefixes)
        {
            await RedisTestEnvironment.DeleteKeysAsync(address, prefix);
        }

        _prefixes.Clear();
    }
}
