// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*RotateBenchmarks*'
using BenchmarkDotNet.Attributes;
using JwtSessions.Sessions;
using JwtSessions.Signing;

namespace JwtSessions.Benchmarks;

/// <summary>
/// Refresh rotation on the embedded in-memory store, on <see cref="Threads"/> threads at once, each rotating its own session
/// in a chain a fixed count of times. Times are per rotation of one thread (an invocation's time over the count per
/// thread), as in <see cref="ValidateHs256ThreadsBenchmarks"/>: rotations per second = <see cref="Threads"/> / mean.
/// </summary>
/// <remarks>
/// <see cref="Refresh"/> is <see cref="SessionManager.RefreshAsync"/> end to end (validate the HS256 refresh token,
/// compare-and-advance the generation, sign a new access token with <see cref="AccessAlgorithm"/> and a new HS256 refresh
/// token); <see cref="StoreRotate"/> is the store's compare-and-advance alone, the share of a refresh the store takes.
/// </remarks>
[MemoryDiagnoser]
public class RotateBenchmarks
{
    /// <summary>Refreshes per thread per invocation: a few milliseconds with ES256, so waking the workers is well under 1 %.</summary>
    public const int PerThread = 256;

    /// <summary>Store rotations per thread per invocation (each well under a microsecond).</summary>
    public const int StorePerThread = 16 * PerThread;

    private static readonly TimeSpan s_idleTimeout = SessionPolicy.Default.IdleTimeout;

    private SessionManager _manager = null!;
    private InMemorySessionStore _store = null!;
    private WorkerGang _gang = null!;
    private string[] _refreshTokens = [];
    private string[] _sessionIds = [];
    private long[] _generations = [];
    private Action<int> _refresh = null!;
    private Action<int> _storeRotate = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [Params(JwtAlgorithm.HS256, JwtAlgorithm.ES256)]
    public JwtAlgorithm AccessAlgorithm { get; set; }

    // The cases return the thread count only so that --quick (QuickCompare), which times methods that return a value, can run them too.

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemorySessionStore();
        _manager = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = BenchmarkFixture.Issuer,
                Audience = BenchmarkFixture.Audience,
                AccessTokenKeys = KeyRing.Create(SigningKey.Generate(AccessAlgorithm)),
                RefreshTokenKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256)),
            },
            _store);

        // Each thread its own session (one for the manager's refreshes, one for the store's rotations), as concurrent clients.
        _refreshTokens = new string[Threads];
        _sessionIds = new string[Threads];
        _generations = new long[Threads];
        for (var i = 0; i < Threads; i++)
        {
            _refreshTokens[i] = _manager.StartSessionAsync($"user-{i}").AsTask().GetAwaiter().GetResult().RefreshToken;
            _sessionIds[i] = _manager.StartSessionAsync($"store-user-{i}").AsTask().GetAwaiter().GetResult().SessionId;
        }

        _refresh = RefreshLoop;
        _storeRotate = StoreRotateLoop;
        _gang = new WorkerGang(Threads);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        _manager.Dispose();
        _store.Dispose();
    }

    /// <summary>The store's compare-and-advance alone (<see cref="ISessionStore.TryRotateAsync"/>), no tokens.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = StorePerThread)]
    public int StoreRotate() => _gang.Run(_storeRotate);

    /// <summary><see cref="SessionManager.RefreshAsync"/> end to end, one manager and store shared by all threads.</summary>
    [Benchmark(OperationsPerInvoke = PerThread)]
    public int Refresh() => _gang.Run(_refresh);

    private void RefreshLoop(int thread)
    {
        var token = _refreshTokens[thread];
        for (var i = 0; i < PerThread; i++)
        {
            var result = Completed(_manager.RefreshAsync(token));
            token = result.Tokens?.RefreshToken ?? throw new InvalidOperationException($"Refresh failed: {result.Status}.");
        }

        _refreshTokens[thread] = token;
    }

    private void StoreRotateLoop(int thread)
    {
        var id = _sessionIds[thread];
        var generation = _generations[thread];
        for (var i = 0; i < StorePerThread; i++)
        {
            var outcome = Completed(_store.TryRotateAsync(id, generation, TimeProvider.System.GetUtcNow(), s_idleTimeout));
            generation = outcome.Status == RotationStatus.Rotated
                ? outcome.Session!.Generation
                : throw new InvalidOperationException($"Store rotation failed: {outcome.Status}.");
        }

        _generations[thread] = generation;
    }

    /// <summary>The result without a <see cref="Task"/> when the call completed at once (it does, with in-process keys and store).</summary>
    private static T Completed<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}
