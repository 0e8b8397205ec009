using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace JwtSessions.Benchmarks;

/// <summary>
/// The quick CI mode (<c>--ci</c>): runs every benchmark carrying <see cref="AllocationBudgetAttribute"/> in-process with a very
/// short job, then fails (exit code 1) when one allocates more than its budget or does not run. Timings from such a short job
/// are noise and are not judged; allocations per operation are exact.
/// </summary>
internal static class CiGate
{
    public const string Switch = "--ci";

    private static readonly Type[] s_types =
    [
        typeof(ValidateHs256Benchmarks),
        typeof(ValidateAsymmetricBenchmarks),
        typeof(RejectBenchmarks),
        typeof(DetectorBenchmarks),
    ];

    public static int Run(string[] args)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(3)
            .WithIterationTime(TimeInterval.FromMilliseconds(50))
            .WithId("CI");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddFilter(new SimpleFilter(static b => Budget(b) is not null || (b.Descriptor.Baseline && NeedsBaseline(b.Descriptor.Type))))
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "JwtSessions.Benchmarks.ci"));

        var types = args.Length == 0 ? s_types : [.. s_types.Where(t => args.Any(a => t.Name.Contains(a, StringComparison.OrdinalIgnoreCase)))];
        var summaries = BenchmarkRunner.Run(types, config);
        var failures = 0;
        var checkedCount = 0;
        Console.WriteLine();
        Console.WriteLine("Allocation budgets (bytes per operation):");
        foreach (var report in summaries.SelectMany(static s => s.Reports).Where(static r => Budget(r.BenchmarkCase) is not null))
        {
            var budget = Budget(report.BenchmarkCase)!.Value;
            if (budget == AllocationBudgets.SameAsPrimitive)
            {
                budget = PrimitiveBudget(summaries, report) ?? -1;
            }

            var allocated = report.Success ? report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) : null;
            var ok = allocated is { } bytes && bytes <= budget;
            checkedCount++;
            failures += ok ? 0 : 1;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {(ok ? "ok  " : "FAIL")} {Name(report.BenchmarkCase)}: {(allocated is { } a ? a + " B" : "did not run")} (budget {budget} B)"));
        }

        if (checkedCount == 0)
        {
            Console.WriteLine("FAIL: no benchmark with an allocation budget ran.");
            return 1;
        }

        Console.WriteLine(failures == 0
            ? $"{checkedCount} passed, 0 failed"
            : $"{checkedCount - failures} passed, {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Whether a benchmark class has a budget relative to its baseline, which must then run too.</summary>
    private static bool NeedsBaseline(Type type)
        => type.GetMethods().Any(static m => m.GetCustomAttribute<AllocationBudgetAttribute>()?.Bytes == AllocationBudgets.SameAsPrimitive);

    private static string Name(BenchmarkCase benchmark)
        => benchmark.HasParameters
            ? $"{benchmark.Descriptor.DisplayInfo} {benchmark.Parameters.DisplayInfo}"
            : benchmark.Descriptor.DisplayInfo;

    /// <summary>The allocation of the baseline (the primitive) with the same parameters in the same run, plus the jitter allowance.</summary>
    private static int? PrimitiveBudget(Summary[] summaries, BenchmarkReport report)
    {
        var baseline = summaries.SelectMany(static s => s.Reports).FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.Baseline
            && r.BenchmarkCase.Descriptor.Type == report.BenchmarkCase.Descriptor.Type
            && r.BenchmarkCase.Parameters.DisplayInfo == report.BenchmarkCase.Parameters.DisplayInfo);
        return baseline is { Success: true } && baseline.GcStats.GetBytesAllocatedPerOperation(baseline.BenchmarkCase) is { } bytes
            ? (int)bytes + AllocationBudgets.PrimitiveJitter
            : null;
    }

    private static int? Budget(BenchmarkCase benchmark)
        => benchmark.Descriptor.WorkloadMethod.GetCustomAttribute<AllocationBudgetAttribute>()?.Bytes;
}
