// Run: source .ci/redis.sh && dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.Redis -- --redis "$JWTSESSIONS_REDIS" --seconds 5
// Measures, against a real Redis: store rotations per second (1, 2 and 8 concurrent callers), full refreshes through
// SessionManager, access-token validation with the revocation check, and revocation propagation between two connections.
using System.Diagnostics;
using System.Globalization;
using JwtSessions.Redis;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using StackExchange.Redis;

namespace JwtSessions.Benchmarks.Redis;

/// <summary>Throughput and latency figures for docs/redis.md ("Performance"). Wall-clock by nature: it measures a real server.</summary>
public sealed class RedisThroughput
{
    private static readonly TimeSpan s_warmup = TimeSpan.FromSeconds(2);

    private readonly string _address;
    private readonly TimeSpan _duration;
    private readonly TextWriter _output;
    private readonly string _prefix = $"jwtsessions-bench:{Guid.NewGuid():N}:";

    /// <summary>Initializes a new instance of the <see cref="RedisThroughput"/> class.</summary>
    /// <param name="address">The Redis address, <c>host:port</c>.</param>
    /// <param name="duration">How long each run lasts (after a two-second warm-up); each figure is the median of three runs.</param>
    /// <param name="output">Where the results go (Markdown).</param>
    public RedisThroughput(string address, TimeSpan duration, TextWriter output)
    {
        _address = address;
        _duration = duration;
        _output = output;
    }

    /// <summary>Runs every measurement and deletes the keys it made.</summary>
    /// <returns>A task.</returns>
    public async Task RunAsync()
    {
        await using var storeA = await RedisSessionStore.ConnectAsync(_address, new RedisSessionStoreOptions { KeyPrefix = _prefix });
        await using var storeB = await RedisSessionStore.ConnectAsync(_address, new RedisSessionStoreOptions { KeyPrefix = _prefix });
        try
        {
            await _output.WriteLineAsync($"Redis {_address}, {_duration.TotalSeconds:0} s per measurement, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
            await _output.WriteLineAsync();
            await _output.WriteLineAsync("| Measurement | Concurrent callers | Result |");
            await _output.WriteLineAsync("|---|---:|---:|");
            foreach (var callers in new[] { 1, 2, 8 })
            {
                var rate = await MeasureAsync(callers, (i, _) => RotateLoopAsync(i % 2 == 0 ? storeA : storeB));
                await RowAsync("store.TryRotateAsync (one Lua script)", callers, $"{rate:N0} rotations/s");
            }

            var keys = new KeyRingPair();
            using var managerA = keys.Manager(storeA);
            using var managerB = keys.Manager(storeB);
            foreach (var callers in new[] { 1, 2, 8 })
            {
                var rate = await MeasureAsync(callers, (i, _) => RefreshLoopAsync(i % 2 == 0 ? managerA : managerB));
                await RowAsync("SessionManager.RefreshAsync (validate + rotate + sign pair)", callers, $"{rate:N0} refreshes/s");
            }

            await RowAsync("ValidateAccessToken, 10,000 revoked sessions listed (cache on)", 1, $"{await ValidationRateAsync(keys, storeA, cache: true):N0} validations/s");
            await RowAsync("ValidateAccessToken, 10,000 revoked sessions listed (cache off)", 1, $"{await ValidationRateAsync(keys, storeA, cache: false):N0} validations/s");

            var (median, p99, max) = await PropagationAsync(storeA, storeB, samples: 500);
            await RowAsync("Revocation propagation A→B (revoke call start → B's callback), 500 samples", 1, $"median {median:0.00} ms, p99 {p99:0.00} ms, max {max:0.00} ms");
        }
        finally
        {
            await DeleteKeysAsync();
        }
    }

    private static async Task RotateUntilStoppedAsync(RedisSessionStore store, Action counted, CancellationToken stop)
    {
        var now = TimeProvider.System.GetUtcNow();
        var session = new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = "bench",
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

    private static Func<CancellationToken, Action, Task> RotateLoopAsync(RedisSessionStore store)
        => (stop, counted) => RotateUntilStoppedAsync(store, counted, stop);

    private static Func<CancellationToken, Action, Task> RefreshLoopAsync(SessionManager manager)
        => async (stop, counted) =>
        {
            var tokens = await manager.StartSessionAsync("bench");
            while (!stop.IsCancellationRequested)
            {
                var result = await manager.RefreshAsync(tokens.RefreshToken);
                if (result.Status != RefreshStatus.Rotated)
                {
                    throw new InvalidOperationException($"Unexpected {result.Status}.");
                }

                tokens = result.Tokens!;
                counted();
            }
        };

    /// <summary>The median of three runs of <see cref="MeasureOnceAsync"/>: this is a shared, noisy machine.</summary>
    private async Task<double> MeasureAsync(int callers, Func<int, int, Func<CancellationToken, Action, Task>> loop)
    {
        var runs = new List<double>(3);
        for (var run = 0; run < 3; run++)
        {
            runs.Add(await MeasureOnceAsync(callers, loop));
        }

        runs.Sort();
        return runs[1];
    }

    /// <summary>Runs <paramref name="callers"/> sequential loops at once: a warm-up, then counts completed operations for the duration.</summary>
    private async Task<double> MeasureOnceAsync(int callers, Func<int, int, Func<CancellationToken, Action, Task>> loop)
    {
        long count = 0;
        var counting = 0;
        using var stop = new CancellationTokenSource();
        var tasks = Enumerable.Range(0, callers)
            .Select(i => Task.Run(() => loop(i, callers)(stop.Token, () =>
            {
                if (Volatile.Read(ref counting) == 1)
                {
                    Interlocked.Increment(ref count);
                }
            })))
            .ToArray();
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

    private async Task<double> ValidationRateAsync(KeyRingPair keys, RedisSessionStore store, bool cache)
    {
        using var manager = keys.Manager(store, cache);
        for (var i = 0; i < 10_000; i++)
        {
            ((JwtSessions.Revocation.RevocationList)manager.Revocations).Add($"revoked-{i}", TimeProvider.System.GetUtcNow() + TimeSpan.FromMinutes(10));
        }

        var tokens = await manager.StartSessionAsync("bench");
        for (var i = 0; i < 10_000; i++)
        {
            Check(manager.ValidateAccessToken(tokens.AccessToken).IsValid);
        }

        long count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < _duration)
        {
            for (var i = 0; i < 1_000; i++)
            {
                Check(manager.ValidateAccessToken(tokens.AccessToken).IsValid);
            }

            count += 1_000;
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double Median, double P99, double Max)> PropagationAsync(RedisSessionStore a, RedisSessionStore b, int samples)
    {
        var waiting = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<long>>(StringComparer.Ordinal);
        var available = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = b.SubscribeToRevocations(
            r =>
            {
                // Timestamp first, in the callback itself: what a validator on server B would see.
                var arrived = Stopwatch.GetTimestamp();
                if (waiting.TryGetValue(r.SessionId, out var arrival))
                {
                    arrival.TrySetResult(arrived);
                }
            },
            up =>
            {
                if (up)
                {
                    available.TrySetResult();
                }
            });
        await available.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var delays = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var now = TimeProvider.System.GetUtcNow();
            var session = new SessionRecord
            {
                SessionId = Guid.NewGuid().ToString("N"),
                Subject = "bench",
                CreatedAt = now,
                AbsoluteExpiresAt = now + TimeSpan.FromHours(1),
                IdleExpiresAt = now + TimeSpan.FromMinutes(10),
                RotatedAt = now,
            };
            await a.CreateAsync(session);
            var arrival = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting[session.SessionId] = arrival;
            var started = Stopwatch.GetTimestamp();
            await a.RevokeAsync(session.SessionId, now, SessionEndReason.Logout);
            var arrived = await arrival.Task.WaitAsync(TimeSpan.FromSeconds(30));
            waiting.TryRemove(session.SessionId, out _);
            delays.Add(Stopwatch.GetElapsedTime(started, arrived).TotalMilliseconds);
        }

        delays.Sort();
        return (delays[delays.Count / 2], delays[(int)Math.Ceiling(delays.Count * 0.99) - 1], delays[^1]);
    }

    private async Task RowAsync(string what, int callers, string result)
        => await _output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| {what} | {callers} | {result} |"));

    private async Task DeleteKeysAsync()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(_address);
        var server = connection.GetServers()[0];
        var batch = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*", pageSize: 1000))
        {
            batch.Add(key);
        }

        if (batch.Count > 0)
        {
            await connection.GetDatabase().KeyDeleteAsync([.. batch]);
        }
    }

    private static void Check(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("A benchmark operation failed.");
        }
    }

    /// <summary>The key rings every "server" of the benchmark shares.</summary>
    private sealed class KeyRingPair
    {
        private readonly KeyRing _access = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "access"));
        private readonly KeyRing _refresh = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "refresh"));

        public SessionManager Manager(ISessionStore store, bool cache = true) => new(
            new SessionManagerOptions
            {
                Issuer = "https://issuer.bench",
                Audience = "api://bench",
                AccessTokenKeys = _access,
                RefreshTokenKeys = _refresh,
                AccessTokenCache = cache ? new() : null,
            },
            store);
    }
}
