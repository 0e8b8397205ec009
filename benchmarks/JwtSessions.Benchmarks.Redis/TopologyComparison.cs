// Compares, in one run, store rotations per second on a single Redis and on a Redis Cluster (8 and 32 concurrent callers,
// each rotating its own session), and the memory one session takes on each (MEMORY USAGE of its hash and of its subject
// index, averaged over 1,000 sessions of 1,000 subjects).
using System.Diagnostics;
using System.Globalization;
using JwtSessions.Redis;
using JwtSessions.Sessions;
using StackExchange.Redis;

namespace JwtSessions.Benchmarks.Redis;

/// <summary>Rotation throughput and memory per session on each of several Redis topologies, in one run.</summary>
internal sealed class TopologyComparison
{
    private static readonly TimeSpan s_warmup = TimeSpan.FromSeconds(2);

    private readonly IReadOnlyList<(string Name, string Address)> _targets;
    private readonly TimeSpan _duration;
    private readonly TextWriter _output;

    /// <summary>Initializes a new instance of the <see cref="TopologyComparison"/> class.</summary>
    /// <param name="targets">Each topology's name and configuration string (a cluster lists its nodes).</param>
    /// <param name="duration">How long each run lasts (after a two-second warm-up); each figure is the median of three runs.</param>
    /// <param name="output">Where the results go (Markdown).</param>
    public TopologyComparison(IReadOnlyList<(string Name, string Address)> targets, TimeSpan duration, TextWriter output)
    {
        _targets = targets;
        _duration = duration;
        _output = output;
    }

    /// <summary>Runs every measurement on every target and deletes the keys it made.</summary>
    /// <returns>A task.</returns>
    public async Task RunAsync()
    {
        await _output.WriteLineAsync($"{_duration.TotalSeconds:0} s per measurement, median of 3, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        await _output.WriteLineAsync();
        await _output.WriteLineAsync("| Topology | Primaries | Callers | store.TryRotateAsync | Memory per session (hash + index entry) |");
        await _output.WriteLineAsync("|---|---:|---:|---:|---:|");
        foreach (var (name, address) in _targets)
        {
            var prefix = $"jwtsessions-bench:{Guid.NewGuid():N}:";
            await using var connection = await ConnectionMultiplexer.ConnectAsync(address);
            var primaries = connection.GetServers().Count(static s => !s.IsReplica);
            await using var store = await RedisSessionStore.ConnectAsync(address, new RedisSessionStoreOptions { KeyPrefix = prefix });
            try
            {
                var memory = await MemoryPerSessionAsync(store, connection, prefix);
                foreach (var callers in new[] { 8, 32 })
                {
                    var rate = await MeasureAsync(store, callers);
                    await _output.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"| {name} | {primaries} | {callers} | {rate:N0} rotations/s | {memory:N0} bytes |"));
                }
            }
            finally
            {
                await DeleteKeysAsync(connection, prefix);
            }
        }
    }

    private static async Task<double> MemoryPerSessionAsync(RedisSessionStore store, ConnectionMultiplexer connection, string prefix)
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
            await store.CreateAsync(session);
            ids.Add((session.SessionId, session.Subject));
        }

        var database = connection.GetDatabase();
        long total = 0;
        foreach (var (id, subject) in ids)
        {
            total += (long)await database.ExecuteAsync("MEMORY", "USAGE", (RedisKey)(prefix + "s:{" + id + "}"));
            total += (long)await database.ExecuteAsync("MEMORY", "USAGE", (RedisKey)(prefix + "u:{" + subject + "}"));
        }

        return (double)total / Sessions;
    }

    private async Task<double> MeasureAsync(RedisSessionStore store, int callers)
    {
        var runs = new List<double>(3);
        for (var run = 0; run < 3; run++)
        {
            runs.Add(await MeasureOnceAsync(store, callers));
        }

        runs.Sort();
        return runs[1];
    }

    private async Task<double> MeasureOnceAsync(RedisSessionStore store, int callers)
    {
        long count = 0;
        var counting = 0;
        using var stop = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(() => RotateUntilStoppedAsync(store, () =>
        {
            if (Volatile.Read(ref counting) == 1)
            {
                Interlocked.Increment(ref count);
            }
        }, stop.Token))).ToArray();
        await Task.Delay(s_warmup);
        Volatile.Write(ref counting, 1);
        var watch = Stopwatch.StartNew();
        await Task.Delay(_duration);
        var counted = Interlocked.Read(ref count);
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        return counted / elapsed.TotalSeconds;
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

    private static async Task DeleteKeysAsync(ConnectionMultiplexer connection, string prefix)
    {
        var database = connection.GetDatabase();
        foreach (var server in connection.GetServers().Where(static s => !s.IsReplica))
        {
            var batch = new List<Task>();
            await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
            {
                batch.Add(database.KeyDeleteAsync(key));
            }

            await Task.WhenAll(batch);
        }
    }
}
