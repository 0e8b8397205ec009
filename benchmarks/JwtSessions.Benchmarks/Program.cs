// Run everything:    dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*'
// One scenario:      dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --filter '*ValidateHs256Benchmarks*'
// Allocation gate:   dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks -- --ci
// Rough ratios on a busy machine (fastest of many short batches): ... -- --quick Hs256 [Algorithm=ES256]
// docs/benchmarks.md has the machine, the latest results and what each floor means.
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using JwtSessions.Benchmarks;

if (args.Contains(CiGate.Switch))
{
    return CiGate.Run([.. args.Where(static a => a != CiGate.Switch)]);
}

if (args.Contains(QuickCompare.Switch))
{
    return QuickCompare.Run([.. args.Where(static a => a != QuickCompare.Switch)]);
}

#if DEBUG
IConfig config = new DebugInProcessConfig();
#else
// Min and Median beside the Mean: on a shared machine the fastest and the middle runs say more than the average.
IConfig config = DefaultConfig.Instance.AddColumn(StatisticColumn.Min, StatisticColumn.Median);
#endif
BenchmarkSwitcher.FromAssembly(typeof(CiGate).Assembly).Run(args, config);
return 0;
