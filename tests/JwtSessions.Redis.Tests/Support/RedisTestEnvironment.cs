using JwtSessions.Redis;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>Where the shared test Redis is, and how tests connect to it: generous timeouts, fast reconnects, a fresh key prefix.</summary>
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

    /// <summary>
    /// How long a command may wait for its reply against a server that stays up. Long on purpose: on a loaded CI machine a
    /// storm of 32 concurrent callers can queue for seconds, and a client timeout there is never the behaviour under test.
    /// </summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a command waits, in the client's backlog, for a server the test has stopped on purpose before it fails: the
    /// client's default, 5 s. Shorter would make outage tests idle less, but the same limit also applies to the first
    /// commands after the restart, which a loaded CI machine can delay by seconds.
    /// </summary>
    public static readonly TimeSpan OutageCommandTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Client settings for tests: never abort on connect failure, quick reconnects, the given command timeout.</summary>
    /// <param name="address">The server's <c>host:port</c>.</param>
    /// <param name="commandTimeout">The command timeout; <see cref="CommandTimeout"/> when omitted.</param>
    public static ConfigurationOptions Configuration(string address, TimeSpan? commandTimeout = null)
    {
        var timeout = (int)(commandTimeout ?? CommandTimeout).TotalMilliseconds;
        var options = ConfigurationOptions.Parse(address);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(timeout, 5000);
        options.SyncTimeout = timeout;
        options.AsyncTimeout = timeout;
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        return options;
    }

    /// <summary>A store on its own connection (its own multiplexer), as another server would have.</summary>
    public static Task<RedisSessionStore> ConnectStoreAsync(
        string address,
        string prefix,
        TimeProvider time,
        Action<RedisSessionStoreOptions>? configure = null,
        TimeSpan? commandTimeout = null)
    {
        var options = new RedisSessionStoreOptions { KeyPrefix = prefix, TimeProvider = time };
        configure?.Invoke(options);
        return RedisSessionStore.ConnectAsync(Configuration(address, commandTimeout), options);
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
