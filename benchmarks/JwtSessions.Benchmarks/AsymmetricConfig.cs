using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using JwtSessions.Signing;

namespace JwtSessions.Benchmarks;

/// <summary>Leaves out the baseline library's cases for algorithms it does not implement (EdDSA).</summary>
public sealed class AsymmetricConfig : ManualConfig
{
    public AsymmetricConfig()
        => AddFilter(new SimpleFilter(static benchmark =>
            benchmark.Descriptor.WorkloadMethod.Name != nameof(ValidateAsymmetricBenchmarks.JsonWebTokenHandler)
            || !Equals(benchmark.Parameters["Algorithm"], JwtAlgorithm.EdDSA)));
}
