// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*RotateBenchmarks*'
using BenchmarkDotNet.Attributes;
using JwtSessions.Sessions;
using JwtSessions.Signing;

namespace JwtSessions.Benchmarks;

/// <summary>
/// Refresh rotation on the embedded in-memory store: <see cref="SessionManager.RefreshAsync"/> end to end (validate the refresh
/// JWS, compare-and-advance the generation, sign a new access and refresh token), on 1 and 2 threads, each thread rotating its
/// own session. Rotations per second = 1 / (mean time per rotation).
/// </summary>
[MemoryDiagnoser]
public class RotateBenchmarks
{
    private const int RotationsPerThread = 64;

    private SessionManager _manager = null!;
    private string[] _refreshTokens = [];

    [GlobalSetup]
    public void Setup()
    {
        _manager = new SessionManager(new SessionManagerOptions
        {
            Issuer = BenchmarkFixture.Issuer,
            Audience = BenchmarkFixture.Audience,
            AccessTokenKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.ES256)),
            RefreshTokenKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256)),
        });
        _refreshTokens = new string[2];
        for (var i = 0; i < _refreshTokens.Length; i++)
        {
            _refreshTokens[i] = _manager.StartSessionAsync($"user-{i}").AsTask().GetAwaiter().GetResult().RefreshToken;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _manager.Dispose();

    /// <summary>One thread rotates its session <see cref="RotationsPerThread"/> times in a row: time per rotation.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = RotationsPerThread)]
    public void RotateOneThread() => RotateChain(0);

    /// <summary>Two threads each rotate their own session: time per rotation, so 1 / mean is the two-thread throughput.</summary>
    [Benchmark(OperationsPerInvoke = 2 * RotationsPerThread)]
    public void RotateTwoThreads() => Parallel.For(0, 2, RotateChain);

    private void RotateChain(int thread)
    {
        var token = _refreshTokens[thread];
        for (var i = 0; i < RotationsPerThread; i++)
        {
            var result = _manager.RefreshAsync(token).AsTask().GetAwaiter().GetResult();
            token = result.Tokens?.RefreshToken ?? throw new InvalidOperationException($"Rotation failed: {result.Status}.");
        }

        _refreshTokens[thread] = token;
    }
}
