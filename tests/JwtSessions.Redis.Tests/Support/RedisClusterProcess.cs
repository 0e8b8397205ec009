using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>
/// A private Redis Cluster for tests: three primaries (and, when asked, replicas of each) on free loopback ports, each a child
/// process in its own temporary directory. With redis-server (<see cref="TestServerKind.Selected"/>): <c>--cluster-enabled
/// yes</c>, joined by <c>redis-cli --cluster create</c>. With the embedded Garnet: <c>--cluster</c>, each node given a third of the slots
/// (<c>CLUSTER ADDSLOTSRANGE</c>) and introduced to the others (<c>CLUSTER MEET</c>). <see cref="Unavailable"/> says why
/// no cluster can be started. Replicas need redis-server.
/// </summary>
internal sealed class RedisClusterProcess : IAsyncDisposable
{
    public const int Primaries = 3;

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly List<RedisServerProcess> _nodes;

    private readonly int _replicasPerPrimary;

    private RedisClusterProcess(List<RedisServerProcess> nodes, int replicasPerPrimary)
    {
        _nodes = nodes;
        _replicasPerPrimary = replicasPerPrimary;
    }

    /// <summary>Gets every node, primaries and replicas, in the order they were started.</summary>
    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    /// <summary>Gets the configuration string naming every node (<c>127.0.0.1:p1,127.0.0.1:p2,…</c>).</summary>
    public string Address => string.Join(',', _nodes.Select(static n => n.Address));

    /// <summary>
    /// Gets why no cluster can be started here, or <see langword="null"/> when it can: a cluster needs redis-server (the
    /// embedded Garnet test server is not used in cluster mode, docs/testing.md) and redis-cli beside it or on the PATH.
    /// </summary>
    public static string? Unavailable
        => TestServerKind.Selected.IsGarnet || Cli() is not null
            ? null
            : "redis-cli, which creates the test cluster, is neither beside redis-server nor on the PATH. " + TestServerKind.Help;

    /// <summary>
    /// Starts three cluster-enabled primaries, and <paramref name="replicasPerPrimary"/> replicas of each, and joins them, every
    /// slot assigned; waits for <c>cluster_state:ok</c> and, with replicas, for every replica to be in sync.
    /// </summary>
    /// <param name="replicasPerPrimary">Replicas of each primary; only redis-server's cluster has them here.</param>
    public static async Task<RedisClusterProcess> StartAsync(int replicasPerPrimary = 0)
    {
        var nodes = new List<RedisServerProcess>();
        var cluster = new RedisClusterProcess(nodes, replicasPerPrimary);
        try
        {
            if (TestServerKind.Selected.IsGarnet)
            {
                if (replicasPerPrimary > 0)
                {
                    throw new NotSupportedException("The test cluster has replicas on redis-server only.");
                }

                for (var i = 0; i < Primaries; i++)
                {
                    nodes.Add(await RedisServerProcess.StartAsync(TestServerKind.Garnet, "--cluster"));
                }

                await JoinGarnetAsync(nodes);
                await cluster.WaitUntilReadyAsync();
                return cluster;
            }

            for (var i = 0; i < Primaries * (1 + replicasPerPrimary); i++)
            {
                nodes.Add(await RedisServerProcess.StartAsync(TestServerKind.Selected, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"));
            }

            var create = new ProcessStartInfo(Cli()!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            create.ArgumentList.Add("--cluster");
            create.ArgumentList.Add("create");
            foreach (var node in nodes)
            {
                create.ArgumentList.Add(node.Address);
            }

            create.ArgumentList.Add("--cluster-replicas");
            create.ArgumentList.Add(replicasPerPrimary.ToString(CultureInfo.InvariantCulture));
            create.ArgumentList.Add("--cluster-yes");
            using (var process = Process.Start(create)!)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                if (process.ExitCode != 0)
                {
                    Assert.Fail($"redis-cli --cluster create failed ({process.ExitCode}): {await output}{await error}");
                }
            }

            await cluster.WaitUntilReadyAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
    }

    /// <summary>Gives each Garnet node a third of the 16,384 slots and has the first meet the others.</summary>
    private static async Task JoinGarnetAsync(List<RedisServerProcess> nodes)
    {
        const int Slots = 16384;
        for (var i = 0; i < nodes.Count; i++)
        {
            var first = i * Slots / nodes.Count;
            var last = ((i + 1) * Slots / nodes.Count) - 1;
            await NodeCommandAsync(nodes[i], "CLUSTER", "ADDSLOTSRANGE", first, last);
        }

        for (var i = 1; i < nodes.Count; i++)
        {
            await NodeCommandAsync(nodes[0], "CLUSTER", "MEET", "127.0.0.1", nodes[i].Port);
        }
    }

    private static async Task NodeCommandAsync(RedisServerProcess node, string command, params object[] arguments)
    {
        var configuration = RedisTestEnvironment.Configuration(node.Address);
        configuration.AllowAdmin = true;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        await connection.GetServer(node.Address).ExecuteAsync(command, arguments);
    }

    private async Task WaitUntilReadyAsync()
    {
        var watch = Stopwatch.StartNew();
        foreach (var node in _nodes)
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(node.Address));
            var server = connection.GetServer(node.Address);
            while (true)
            {
                var info = (string?)await server.ExecuteAsync("CLUSTER", "INFO") ?? string.Empty;
                if (info.Contains("cluster_state:ok", StringComparison.Ordinal)
                    && info.Contains("cluster_known_nodes:" + _nodes.Count.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                    && (_replicasPerPrimary == 0 || await InSyncAsync(server)))
                {
                    break;
                }

                if (watch.Elapsed > s_startTimeout)
                {
                    Assert.Fail($"The test cluster did not become ready: {info}");
                }

                await Task.Delay(50);
            }
        }
    }

    /// <summary>Whether a node is a primary with all its replicas online, or a replica whose link to its primary is up.</summary>
    private async Task<bool> InSyncAsync(IServer server)
    {
        var replication = (string?)await server.ExecuteAsync("INFO", "replication") ?? string.Empty;
        return replication.Contains("role:slave", StringComparison.Ordinal)
            ? replication.Contains("master_link_status:up", StringComparison.Ordinal)
            : replication.Split('\n').Count(static line => line.StartsWith("slave", StringComparison.Ordinal) && line.Contains("state=online", StringComparison.Ordinal)) == _replicasPerPrimary;
    }

    private static string? Cli()
    {
        var server = TestServerKind.Selected.RedisBinaryPath;
        if (server is not null && Path.GetDirectoryName(server) is { Length: > 0 } directory && File.Exists(Path.Combine(directory, "redis-cli")))
        {
            return Path.Combine(directory, "redis-cli");
        }

        return TestServerKind.OnPath("redis-cli");
    }
}
