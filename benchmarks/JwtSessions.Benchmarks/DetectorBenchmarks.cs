// Run: dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*DetectorBenchmarks*'
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using JwtSessions.Anomalies;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Benchmarks;

/// <summary>
/// What the anomaly detector adds to a rejected request: recording a signal for a hot key and for a stream of distinct keys
/// (every recording a cache miss in the sketch), a block lookup, and a whole rejection (bad signature, then recorded). None
/// allocates. The clock is frozen, so a threshold is crossed once and no event is raised during the measurement.
/// </summary>
[MemoryDiagnoser]
public class DetectorBenchmarks
{
    private const int DistinctKeys = 1 << 16;

    private readonly string[] _keys = new string[DistinctKeys];
    private AnomalyDetector _detector = null!;
    private BenchmarkFixture _fixture = null!;
    private string _badSignature = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _detector = new AnomalyDetector(
            new AnomalyDetectorOptions
            {
                BruteForceThreshold = AnomalyDetectorOptions.MaxThreshold,
                FloodThreshold = AnomalyDetectorOptions.MaxThreshold,
                BruteForceBlockDuration = TimeSpan.Zero,
                FloodBlockDuration = TimeSpan.Zero,
            },
            new FrozenTime());
        for (var i = 0; i < _keys.Length; i++)
        {
            _keys[i] = "10." + (i >> 8).ToString(CultureInfo.InvariantCulture) + "." + (i & 0xFF).ToString(CultureInfo.InvariantCulture) + ".1";
        }

        _detector.Block("203.0.113.9", TimeSpan.FromMinutes(1));
        _fixture = BenchmarkFixture.Create(JwtAlgorithm.HS256);
        var token = _fixture.Token;
        var lastDot = token.LastIndexOf('.');
        var forgedMac = HMACSHA256.HashData(RandomNumberGenerator.GetBytes(32), Encoding.ASCII.GetBytes(token[..lastDot]));
        _badSignature = "Bearer " + token[..(lastDot + 1)] + BenchmarkFixture.Base64UrlEncode(forgedMac);
    }

    [Benchmark(Baseline = true)]
    [AllocationBudget(0)]
    public AnomalyKind RecordHotKey() => _detector.Record("198.51.100.7", AnomalySignal.InvalidAccessToken);

    [Benchmark]
    [AllocationBudget(0)]
    public AnomalyKind RecordDistinctKeys() => _detector.Record(_keys[_next++ & (DistinctKeys - 1)], AnomalySignal.UnknownSession);

    [Benchmark]
    [AllocationBudget(0)]
    public bool IsBlocked() => _detector.IsBlocked(_keys[_next++ & (DistinctKeys - 1)]) | _detector.IsBlocked("203.0.113.9");

    [Benchmark]
    [AllocationBudget(0)]
    public AnomalyKind RejectAndRecord()
    {
        var result = _fixture.ColdValidator.ValidateAuthorizationHeader(_badSignature);
        return _detector.RecordInvalidAccessToken(_keys[_next++ & (DistinctKeys - 1)], result.Error);
    }

    /// <summary>A clock that never moves: the window never slides and no cell is cleared during a run.</summary>
    private sealed class FrozenTime : TimeProvider
    {
        public override long GetTimestamp() => 0;

        public override DateTimeOffset GetUtcNow() => new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    }
}
