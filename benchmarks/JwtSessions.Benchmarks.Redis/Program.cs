// Run: source .ci/redis.sh && dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.Redis -- --redis "$JWTSESSIONS_REDIS" --seconds 5
// Single server against a cluster, and optionally a cluster with replicas whose store waits for one replica per write:
// rotations, their spread and CPU cost, and memory per session (docs/redis.md, "Performance"). topologies.sh starts the
// servers, runs this and stops them:
//   bash benchmarks/JwtSessions.Benchmarks.Redis/topologies.sh --seconds 3
//   dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.Redis -- --compare 127.0.0.1:6379 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003 [replicated-cluster] --seconds 3
using System.Globalization;
using JwtSessions.Benchmarks.Redis;

var address = Environment.GetEnvironmentVariable("JWTSESSIONS_REDIS");
var seconds = 5;
string? single = null;
string? cluster = null;
string? replicated = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--compare" when i + 2 < args.Length:
            single = args[i + 1];
            cluster = args[i + 2];
            i++;
            if (i + 2 < args.Length && !args[i + 2].StartsWith("--", StringComparison.Ordinal))
            {
                replicated = args[i + 2];
                i++;
            }

            break;
        case "--redis":
            address = args[i + 1];
            break;
        case "--seconds":
            seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}.");
            return 2;
    }
}

if (single is not null && cluster is not null)
{
    List<TopologyComparison.Topology> topologies = [new("single server", single, 0), new("cluster", cluster, 0)];
    if (replicated is not null)
    {
        topologies.Add(new("cluster + replicas, WAIT 1", replicated, 1));
    }

    await new TopologyComparison(topologies, TimeSpan.FromSeconds(seconds), Console.Out).RunAsync();
    return 0;
}

if (string.IsNullOrWhiteSpace(address))
{
    Console.Error.WriteLine("Usage: JwtSessions.Benchmarks.Redis --redis host:port [--seconds 5]  (or set JWTSESSIONS_REDIS)");
    return 2;
}

await new RedisThroughput(address, TimeSpan.FromSeconds(seconds), Console.Out).RunAsync();
return 0;
