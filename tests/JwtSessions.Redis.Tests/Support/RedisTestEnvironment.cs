using JwtSessions.Redis;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>Where the shared test Redis is, and how tests connect to it: short timeouts, fast reconnects, a fresh key prefix.</summary>
internal static class RedisTestEnvironment
{
    public const string AddressVariable = "JWTSESSIONS_REDIS";

    /// <summary>Gets the shared server's address (<c>host:port</c>) from <c>JWTSESSIONS_REDIS</c>; fails the test when unset.</summary>
    public static string Address
    {
        get
        {
            var address = Environment.GetEnvironmentVariable(AddressVariable);
            if (string.IsNullOrWhiteSpace(address))
            {
                Assert.Fail(
                    $"{AddressVariable} is not set. The Redis store tests need a real redis-server on 127.0.0.1: run "
                    + "`source .ci/redis.sh` (starts one on a free port and exports the variable), or start one yourself and "
                    + $"`export {AddressVariable}=127.0.0.1:PORT`.");
            }

            return address!;
        }
    }

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => $"jwtsessions-test:{Guid.NewGuid():N}:";

    /// <summary>Client settings for tests: never abort on connect failure, short timeouts, quick reconnects.</summary>
    public static ConfigurationOptions Configuration(string address)
    {
        var options = ConfigurationOptions.Parse(address);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        options.SyncTimeout = 1000;
        options.AsyncTimeout = 1000;
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        return options;
    }

    /// <summary>A store on its own connection (its own multiplexer), as another server would have.</summary>
    public static Task<RedisSessionStore> ConnectStoreAsync(
        string address,
        string prefix,
        TimeProvider time,
        Action<RedisSessionStoreOptions>? configure = null)
    {
        var options = new RedisSessionStoreOptions { KeyPrefix = prefix, TimeProvider = time };
        configure?.Invoke(options);
        return RedisSessionStore.ConnectAsync(Configuration(address), options);
    }

    /// <summary>Removes a test's keys (tests may scan; the store never does).</summary>
    public static async Task DeleteKeysAsync(string address, string prefix)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Configuration(address));
        if (!connection.IsConnected)
        {
            return;
        }

        var server = connection.GetServers()[0];
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 500))
        {
            keys.Add(key);
        }

        if (keys.Count > 0)
        {
            await connection.GetDatabase().KeyDeleteAsync([.. keys]);
        }
    }
}
