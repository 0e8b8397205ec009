// Compares, in one run, store rotations per second on several Redis topologies (a single server, a cluster, a cluster with
// replicas whose store waits for one replica per write) with 8 and 32 concurrent callers, each rotating its own session.
// Rounds interleave the cases, so a slow phase of a shared machine falls on every case alike; each figure is the median
// over the rounds. Beside the rate: how the rotations spread over the primaries (INFO commandstats), the CPU time each
// rotation costs the Redis server (INFO cpu) and the client process, and the memory one session takes (MEMORY USAGE of its
// hash and of its subject index, averaged over 1,000 sessions of 1,000 subjects). Start the servers with topologies.sh.
using System.Diagnostics;
using System.Globalization;
using JwtSessions.Redis;
using JwtSessions.Sessions;
using StackExchange.Redis;

namespace JwtSessions.Benchmarks.Redis;

/// <summary>Rotation throughput, its spread and CPU cost, and memory per session on several Redis topologies, in one run.</summary>
internal sealed class TopologyComparison
{
    private const int Rounds = 5;
    private static readonly int[] s_callers = [8, 32];
    private static readonly TimeSpan s_warmup = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<Topology> _targets;
    private readonly TimeSpan _duration;
    private readonly TextWriter _output;

    /// <summary>Initializes a new instance of the <see cref="TopologyComparison"/> class.</summary>
    /// <param name="targets">Each topology: its name, configuration string (a cluster lists its nodes) and replica acknowledgements.</param>
    /// <param name="duration">How long each measurement lasts, after a one-second warm-up.</param>
    /// <param name="output">Where the results go (Markdown).</param>
    public TopologyComparison(IReadOnlyList<Topology> targets, TimeSpan duration, TextWriter output)
    {
        _targets = targets;
        _duration = duration;
        _output = output;
    }

    /// <summary>Runs every measurement on every target, in interleaved rounds, and deletes the keys it made.</summary>
    /// <returns>A task.</returns>
    public async Task RunAsync()
    {
        var targets = new List<Target>();
        try
        {
            foreach (var topology in _targets)
            {
                targets.Add(await Target.OpenAsync(topology));
            }

            var samples = new Dictionary<(Target, int), List<Sample>>();
            for (var round = 0; round < Rounds; round++)
            {
                // Rotate the order each round, so no case always runs first or last.
                var order = targets.SelectMany(static t => s_callers.Select(c => (Target: t, Callers: c))).ToList();
                var shift = round % order.Count;
                foreach (var (target, callers) in order.Skip(shift).Concat(order.Take(shift)))
                {
                    var sample = await MeasureOnceAsync(target, callers);
                    if (!samples.TryGetValue((target, callers), out var list))
                    {
                        samples[(target, callers)] = list = [];
                    }

                    list.Add(sample);
                }
            }

            await WriteAsync(targets, samples);
        }
        finally
        {
            foreach (var target in targets)
            {
                await target.DisposeAsync();
            }
        }
    }

    private async Task WriteAsync(List<Target> targets, Dictionary<(Target, int), List<Sample>> samples)
    {
        await _output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{_duration.TotalSeconds:0} s per measurement after {s_warmup.TotalSeconds:0} s of warm-up, {Rounds} interleaved rounds, median; {Environment.ProcessorCount} cores, .NET {Environment.Version}"));
        await _output.WriteLineAsync();
        await _output.WriteLineAsync("| Topology | Primaries | Callers | `store.TryRotateAsync` | Share per primary | Redis CPU per rotation | Client CPU per rotation | Memory per session |");
        await _output.WriteLineAsync("|---|---:|---:|---:|---|---:|---:|---:|");
        foreach (var target in targets)
        {
            foreach (var callers in s_callers)
            {
                var list = samples[(target, callers)];
                var rate = Median(list.Select(static s => s.RotationsPerSecond));
                var serverCpu = Median(list.Select(static s => s.ServerCpuMicroseconds));
                var clientCpu = Median(list.Select(static s => s.ClientCpuMicroseconds));
                var shares = Enumerable.Range(0, target.Primaries.Count)
                    .Select(p => Median(list.Select(s => s.Shares[p])).ToString("P0", CultureInfo.InvariantCulture));
                await _output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {target.Topology.Name} | {target.Primaries.Count} | {callers} | {rate:N0} rotations/s | {string.Join(" / ", shares)} | {serverCpu:N1} µs | {clientCpu:N1} µs | {target.MemoryPerSession:N0} B |"));
            }
        }

        await _output.WriteLineAsync();
        await _output.WriteLineAsync("Redis CPU per rotation: the primaries' used_cpu_user + used_cpu_sys over the rotations they ran (their replicas' not counted); a primary on a core of its own runs at most 10^6 / that many rotations per second.");
        await _output.WriteLineAsync("Client CPU per rotation: this process's CPU time over the rotations (StackExchange.Redis and the store).");
    }

    private async Task<Sample> MeasureOnceAsync(Target target, int callers)
    {
        long count = 0;
        var counting = 0;
        using var stop = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(() => RotateUntilStoppedAsync(target.Store, () =>
        {
            if (Volatile.Read(ref counting) == 1)
            {
                Interlocked.Increment(ref count);
            }
        }, stop.Token))).ToArray();
        await Task.Delay(s_warmup);

        var before = await target.CountersAsync();
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        Volatile.Write(ref counting, 1);
        var watch = Stopwatch.StartNew();
        await Task.Delay(_duration);
        var counted = Interlocked.Read(ref count);
        var elapsed = watch.Elapsed;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
        var after = await target.CountersAsync();
        await stop.CancelAsync();
        await Task.WhenAll(tasks);

        var calls = after.Select((a, i) => a.Scripts - before[i].Scripts).ToArray();
        var totalCalls = Math.Max(1, calls.Sum());
        var serverCpu = after.Select((a, i) => a.CpuSeconds - before[i].CpuSeconds).Sum();
        return new Sample(
            counted / elapsed.TotalSeconds,
            serverCpu * 1e6 / totalCalls,
            clientCpu.TotalMicroseconds / Math.Max(1, counted),
            [.. calls.Select(c => (double)c / totalCalls)]);
    }

    private static async Task RotateUntilStoppedAsync(RedisSessionStore store, Action counted, CancellationToken stop)
    {
        var now = TimeProvider.System.GetUtcNow();
        var session = new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = "bench-" + Guid.NewGuid().ToString("N"),
            CreatedAt = now,
            AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
            IdleExpiresAt = now + TimeSpan.FromHours(1),
            RotatedAt = now,
        };
        await store.CreateAsync(session, CancellationToken.None);
        var generation = 0L;
        while (!stop.IsCancellationRequested)
        {
            var outcome = await store.TryRotateAsync(session.SessionId, generation, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(1), CancellationToken.None);
            if (outcome.Status != RotationStatus.Rotated)
            {
                throw new InvalidOperationException($"Unexpected {outcome.Status}.");
            }

            generation++;
            counted();
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A topology to measure.</summary>
    /// <param name="Name">Its name in the table.</param>
    /// <param name="Address">Its configuration string.</param>
    /// <param name="ReplicaAcknowledgements">The store's <see cref="RedisSessionStoreOptions.ReplicaAcknowledgements"/>.</param>
    internal sealed record Topology(string Name, string Address, int ReplicaAcknowledgements);

    private sealed record Sample(double RotationsPerSecond, double ServerCpuMicroseconds, double ClientCpuMicroseconds, double[] Shares);

    /// <summary>One topology's connection, store and primaries for the whole run.</summary>
    private sealed class Target : IAsyncDisposable
    {
        private readonly ConnectionMultiplexer _connection;
        private readonly string _prefix;

        private Target(Topology topology, ConnectionMultiplexer connection, RedisSessionStore store, string prefix)
        {
            Topology = topology;
            _connection = connection;
            Store = store;
            _prefix = prefix;
            Primaries = [.. connection.GetServers().Where(static s => !s.IsReplica).OrderBy(static s => s.EndPoint.ToString(), StringComparer.Ordinal)];
        }

        public Topology Topology { get; }

        public RedisSessionStore Store { get; }

        public IReadOnlyList<IServer> Primaries { get; }

        public double MemoryPerSession { get; private set; }

        public static async Task<Target> OpenAsync(Topology topology)
        {
            var options = ConfigurationOptions.Parse(topology.Address);
            options.AllowAdmin = true;
            var connection = await ConnectionMultiplexer.ConnectAsync(options);
            var prefix = $"jwtsessions-bench:{Guid.NewGuid():N}:";
            var store = await RedisSessionStore.ConnectAsync(
                topology.Address,
                new RedisSessionStoreOptions { KeyPrefix = prefix, ReplicaAcknowledgements = topology.ReplicaAcknowledgements });
            var target = new Target(topology, connection, store, prefix);
            target.MemoryPerSession = await target.MemoryPerSessionAsync();
            return target;
        }

        /// <summary>Each primary's script calls so far and the CPU seconds it has used.</summary>
        public async Task<(long Scripts, double CpuSeconds)[]> CountersAsync()
        {
            var counters = new (long, double)[Primaries.Count];
            for (var i = 0; i < Primaries.Count; i++)
            {
                var stats = (string?)await Primaries[i].ExecuteAsync("INFO", "commandstats") ?? string.Empty;
                var cpu = (string?)await Primaries[i].ExecuteAsync("INFO", "cpu") ?? string.Empty;
                counters[i] = (Calls(stats, "cmdstat_evalsha:") + Calls(stats, "cmdstat_eval:"), Field(cpu, "used_cpu_user:") + Field(cpu, "used_cpu_sys:"));
            }

            return counters;
        }

        public async ValueTask DisposeAsync()
        {
            var database = _connection.GetDatabase();
            foreach (var server in Primaries)
            {
                var batch = new List<Task>();
                await foreach (var key in server.KeysAsync(pattern: _prefix + "*", pageSize: 1000))
                {
                    batch.Add(database.KeyDeleteAsync(key));
                }

                await Task.WhenAll(batch);
            }

            await Store.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private static long Calls(string stats, string command)
        {
            var start = stats.IndexOf(command, StringComparison.Ordinal);
            if (start < 0)
            {
                return 0;
            }

            var calls = stats.IndexOf("calls=", start, StringComparison.Ordinal) + "calls=".Length;
            var end = stats.IndexOf(',', calls);
            return long.Parse(stats.AsSpan(calls, end - calls), CultureInfo.InvariantCulture);
        }

        private static double Field(string info, string name)
        {
            var start = info.IndexOf(name, StringComparison.Ordinal) + name.Length;
            var end = info.IndexOf('\r', start);
            return double.Parse(info.AsSpan(start, end - start), CultureInfo.InvariantCulture);
        }

        private async Task<double> MemoryPerSessionAsync()
        {
            const int Sessions = 1000;
            var now = TimeProvider.System.GetUtcNow();
            var ids = new List<(string Id, string Subject)>(Sessions);
            for (var i = 0; i < Sessions; i++)
            {
                var session = new SessionRecord
                {
                    SessionId = Guid.NewGuid().ToString("N"),
                    Subject = "user-" + i.ToString(CultureInfo.InvariantCulture),
                    CreatedAt = now,
                    AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
                    IdleExpiresAt = now + TimeSpan.FromHours(1),
                    RotatedAt = now,
                };
                await Store.CreateAsync(session);
                ids.Add((session.SessionId, session.Subject));
            }

            var database = _connection.GetDatabase();
            long total = 0;
            foreach (var (id, subject) in ids)
            {
                total += (long)await database.ExecuteAsync("MEMORY", "USAGE", (RedisKey)(_prefix + "s:{" + id + "}"));
                total += (long)await database.ExecuteAsync("MEMORY", "USAGE", (RedisKey)(_prefix + "u:{" + subject + "}"));
            }

            return (double)total / Sessions;
        }
    }
}
