// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*ValidateHs256ThreadsBenchmarks*'
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using JwtSessions.Signing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace JwtSessions.Benchmarks;

/// <summary>
/// HS256 validation on <see cref="Threads"/> threads at once, each doing a fixed count of operations. Times are per operation
/// of one thread (an invocation's time over the count per thread), so equal times on 1 and 2 threads mean perfect scaling.
/// Every case shares one validator (so one signing key and its HMAC contexts) across the threads, as a server does; the
/// floor gives each thread its own reused keyed HMAC, so it shares nothing. Ours scales like the floor when
/// Ratio(1 thread) / Ratio(2 threads) is about 1 (the target is at least 0.95; <c>--quick ValidateHs256Threads "Threads=1|2"</c>
/// measures it within interleaved rounds).
/// </summary>
[MemoryDiagnoser]
public class ValidateHs256ThreadsBenchmarks
{
    /// <summary>Operations per thread per invocation: a few milliseconds, so waking the workers is well under 1 %.</summary>
    public const int PerThread = 4096;

    /// <summary>Cache hits per thread per invocation (each about a tenth of a cold validation).</summary>
    public const int CachedPerThread = 8 * PerThread;

    /// <summary><c>JsonWebTokenHandler</c> validations per thread per invocation (each about three cold validations).</summary>
    public const int HandlerPerThread = PerThread / 4;

    private BenchmarkFixture _fixture = null!;
    private WorkerGang _gang = null!;
    private HMACSHA256[] _floors = [];
    private byte[][] _macs = [];
    private byte[][] _buffers = [];
    private Action<int> _floor = null!;
    private Action<int> _oursColdIntoBuffer = null!;
    private Action<int> _oursCached = null!;
    private Action<int> _jsonWebTokenHandler = null!;
    private readonly JsonWebTokenHandler _handler = new();

    [Params(1, 2)]
    public int Threads { get; set; }

    // The cases return the thread count only so that --quick (QuickCompare), which times methods that return a value, can run them too.

    [GlobalSetup]
    public void Setup()
    {
        _fixture = BenchmarkFixture.Create(JwtAlgorithm.HS256);
        _floors = new HMACSHA256[Threads];
        _macs = new byte[Threads][];
        _buffers = new byte[Threads][];
        for (var i = 0; i < Threads; i++)
        {
            _floors[i] = new HMACSHA256(_fixture.Secret!);
            _macs[i] = new byte[32];
            _buffers[i] = new byte[_fixture.ColdValidator.ClaimsBufferSize];
        }

        _floor = FloorLoop;
        _oursColdIntoBuffer = OursColdIntoBufferLoop;
        _oursCached = OursCachedLoop;
        _jsonWebTokenHandler = JsonWebTokenHandlerLoop;
        _gang = new WorkerGang(Threads);
        BenchmarkFixture.EnsureValid(_fixture.ColdValidator.ValidateAuthorizationHeader(_fixture.BearerHeader), "cold");
        BenchmarkFixture.EnsureValid(_fixture.CachedValidator.ValidateAuthorizationHeader(_fixture.BearerHeader), "cached");
        if (!_handler.ValidateTokenAsync(_fixture.Token, _fixture.IdentityModelParameters).Result.IsValid)
        {
            throw new InvalidOperationException("JsonWebTokenHandler rejects the benchmark token.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _gang.Dispose();
        foreach (var floor in _floors)
        {
            floor.Dispose();
        }
    }

    /// <summary>Floor: each thread's own reused keyed HMAC-SHA256 over the signing input, nothing shared.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = PerThread)]
    public int KeyedHmacFloor() => _gang.Run(_floor);

    /// <summary>Ours, every check, no cache, into each thread's own buffer, one validator shared by all threads.</summary>
    [Benchmark(OperationsPerInvoke = PerThread)]
    public int OursColdIntoBuffer() => _gang.Run(_oursColdIntoBuffer);

    /// <summary>Ours, verified-token cache hits, one validator shared by all threads.</summary>
    [Benchmark(OperationsPerInvoke = CachedPerThread)]
    public int OursCached() => _gang.Run(_oursCached);

    /// <summary>Microsoft.IdentityModel's <c>JsonWebTokenHandler.ValidateTokenAsync</c>, one handler shared by all threads.</summary>
    [Benchmark(OperationsPerInvoke = HandlerPerThread)]
    public int JsonWebTokenHandler() => _gang.Run(_jsonWebTokenHandler);

    private void FloorLoop(int thread)
    {
        var hmac = _floors[thread];
        var mac = _macs[thread];
        var input = _fixture.SigningInput;
        for (var i = 0; i < PerThread; i++)
        {
            if (!hmac.TryComputeHash(input, mac, out _))
            {
                throw new InvalidOperationException("The floor's MAC failed.");
            }
        }
    }

    private void OursColdIntoBufferLoop(int thread)
    {
        var validator = _fixture.ColdValidator;
        var header = _fixture.BearerHeader;
        var buffer = _buffers[thread];
        for (var i = 0; i < PerThread; i++)
        {
            if (!validator.TryValidateAuthorizationHeader(header, buffer, out var claims, out var error)
                || claims.SubjectUtf8.IsEmpty || !claims.HasScope("orders:read"u8))
            {
                throw new InvalidOperationException($"into a buffer: expected a valid token, got {error}.");
            }
        }
    }

    private void OursCachedLoop(int thread)
    {
        var validator = _fixture.CachedValidator;
        var header = _fixture.BearerHeader;
        for (var i = 0; i < CachedPerThread; i++)
        {
            if (!validator.ValidateAuthorizationHeader(header).IsValid)
            {
                throw new InvalidOperationException("cached: expected a valid token.");
            }
        }
    }

    private void JsonWebTokenHandlerLoop(int thread)
    {
        var token = _fixture.Token;
        var parameters = _fixture.IdentityModelParameters;
        for (var i = 0; i < HandlerPerThread; i++)
        {
            if (!_handler.ValidateTokenAsync(token, parameters).Result.IsValid)
            {
                throw new InvalidOperationException("JsonWebTokenHandler rejects the benchmark token.");
            }
        }
    }
}
