using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using JwtSessions.Internal;

namespace JwtSessions.Benchmarks;

/// <summary>
/// A/B of the constant-time tag comparison, both in one run: the BCL's <see cref="CryptographicOperations.FixedTimeEquals"/>
/// (the baseline) against the hand-written <c>ConstantTime.AreEqual</c>, on equal tags (the success path compares every
/// byte either way) of the HS256 and HS512 lengths. Compare the difference with <c>OursColdIntoBuffer</c> of
/// <see cref="ValidateHs256Benchmarks"/>: a hand-written primitive stays only if it saves at least 5 % of an HS256 validation
/// (docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
public class MacComparisonBenchmarks
{
    private byte[] _expected = [];
    private byte[] _actual = [];

    /// <summary>The tag length: 32 bytes for HS256, 64 for HS512.</summary>
    [Params(32, 64)]
    public int Length { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _expected = RandomNumberGenerator.GetBytes(Length);
        _actual = (byte[])_expected.Clone();
    }

    [Benchmark(Baseline = true)]
    public bool FixedTimeEquals() => CryptographicOperations.FixedTimeEquals(_expected, _actual);

    [Benchmark]
    public bool ConstantTimeAreEqual() => ConstantTime.AreEqual(_expected, _actual);
}
