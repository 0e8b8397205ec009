using JwtSessions.Redis;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>Where the shared test Redis is, and how tests connect to it: generous timeouts, fast reconnects, a fresh key prefix.</summary>
internal static class RedisTestEnvironment
{
    public const string AddressVariable = "JWTSESSIONS_REDIS";

    /// <summary>The variable naming a Redis Cluster someone else runs (a configuration string listing its nodes).</summary>
    public const string ClusterVariable = "JWTSESSIONS_REDIS_CLUSTER";

    /// <summary>The variable that, set to <c>cluster</c>, makes the shared server a cluster: the whole suite then runs on one.</summary>
    public const string TopologyVariable = "JWTSESSIONS_REDIS_TOPOLOGY";

    private static readonly SemaphoreSlim s_clusterLock = new(1, 1);
    private static RedisServerProcess? s_sharedServer;
    private static RedisClusterProcess? s_sharedCluster;
    private static RedisClusterProcess? s_sharedClusterAsServer;

    /// <summary>Gets a value indicating whether the shared server is a cluster (<c>JWTSESSIONS_REDIS_TOPOLOGY=cluster</c>).</summary>
    public static bool SharedServerIsCluster
        => string.Equals(Environment.GetEnvironmentVariable(TopologyVariable), "cluster", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Gets the shared server's address (<c>host:port</c>): <c>JWTSESSIONS_REDIS</c> when set (a server someone else runs);
    /// otherwise the server <see cref="StartSharedServerAsync"/> started for this run.
    /// </summary>
    public static string Address
    {
        get
        {
            var address = Environment.GetEnvironmentVariable(AddressVariable);
            if (!string.IsNullOrWhiteSpace(address))
            {
                return address;
            }

            return s_sharedServer?.Address
                ?? s_sharedClusterAsServer?.Address
                ?? throw new InvalidOperationException("The shared test server was not started (SharedServerFixture starts it).");
        }
    }

    /// <summary>Gets a description of the shared server, for the test log.</summary>
    public static string Description
        => Environment.GetEnvironmentVariable(AddressVariable) is { Length: > 0 } external
            ? $"the server at {external} ({AddressVariable})"
            : $"{(SharedServerIsCluster ? "a cluster of " + TestServerKind.Selected : TestServerKind.Selected.ToString())} started by the tests at {Address}";

    /// <summary>Starts the shared server, of <see cref="TestServerKind.Selected"/>'s kind, unless <c>JWTSESSIONS_REDIS</c> names one.</summary>
    public static async Task StartSharedServerAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(AddressVariable)))
        {
            if (SharedServerIsCluster)
            {
                s_sharedClusterAsServer = await RedisClusterProcess.StartAsync();
            }
            else
            {
                s_sharedServer = await RedisServerProcess.StartAsync();
            }
        }
    }

    /// <summary>
    /// Gets the address of the shared test cluster: <c>JWTSESSIONS_REDIS_CLUSTER</c> when set; otherwise a cluster of three
    /// redis-server primaries started on first use and stopped with the shared server. Ignores the calling test, with the
    /// reason, when no cluster can be started here (<see cref="RedisClusterProcess.Unavailable"/>).
    /// </summary>
    public static async Task<string> ClusterAddressAsync()
    {
        if (Environment.GetEnvironmentVariable(ClusterVariable) is { Length: > 0 } external)
        {
            return external;
        }

        if (s_sharedClusterAsServer is { } shared)
        {
            return shared.Address;
        }

        if (RedisClusterProcess.Unavailable is { } reason)
        {
            Assert.Ignore(reason);
        }

        await s_clusterLock.WaitAsync();
        try
        {
            s_sharedCluster ??= await RedisClusterProcess.StartAsync();
            return s_sharedCluster.Address;
        }
        finally
        {
            s_clusterLock.Release();
        }
    }

    /// <summary>Stops the shared server (and cluster) if this run started it.</summary>
    public static async Task StopSharedServerAsync()
    {
        if (s_sharedCluster is { } cluster)
        {
            s_sharedCluster = null;
            await cluster.DisposeAsync();
        }

        if (s_sharedClusterAsServer is { } clusterAsServer)
        {
            s_sharedClusterAsServer = null;
            await clusterAsServer.DisposeAsync();
        }

        if (s_sharedServer is { } server)
        {
            s_sharedServer = null;
            await server.DisposeAsync();
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

    /// <summary>The server's clock (<c>TIME</c>) in Unix milliseconds: the clock the revocation log is scored by.</summary>
    public static async Task<long> ServerTimeMsAsync(IDatabase database)
    {
        var time = (RedisResult[])(await database.ExecuteAsync("TIME"))!;
        return ((long)time[0] * 1000) + ((long)time[1] / 1000);
    }

    /// <summary>Removes a test's keys (tests may scan; the store never does).</summary>
    public static async Task DeleteKeysAsync(string address, string prefix)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(Configuration(address));
        if (!connection.IsConnected)
        {
            return;
        }

        var keys = await KeysAsync(connection, prefix);
        var database = connection.GetDatabase();
        await Task.WhenAll(keys.Select(k => database.KeyDeleteAsync(k)));
    }

    /// <summary>The keys under a prefix on every primary (tests may scan; the store never does).</summary>
    public static async Task<List<RedisKey>> KeysAsync(IConnectionMultiplexer connection, string prefix)
    {
        var keys = new List<RedisKey>();
        foreach (var server in connection.GetServers().Where(static s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 500))
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}
