// Whole requests, JwtSessions' handler against JwtBearer's (docs/benchmarks.md, "Whole requests"):
//   In-process (TestServer), BenchmarkDotNet:  dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.AspNetCore -- --filter '*'
//   Kestrel over loopback, wrk:               dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.AspNetCore -- --wrk [Algorithm=ES256] [rounds=5] [duration=5]
//   No transport (hosting and middleware):    dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.AspNetCore -- --pipeline [Algorithm=ES256] [rounds=200] [batch=2000]
// Resource servers (docs/resource-servers.md, "Measured"): dotnet run -c Release --project benchmarks/JwtSessions.Benchmarks.AspNetCore -- --remote [rounds=50]
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using JwtSessions.Benchmarks.AspNetCore;

if (args.Contains(WrkComparison.Switch))
{
    return await WrkComparison.RunAsync([.. args.Where(static a => a != WrkComparison.Switch)]);
}

if (args.Contains(PipelineComparison.Switch))
{
    return await PipelineComparison.RunAsync([.. args.Where(static a => a != PipelineComparison.Switch)]);
}

if (args.Contains(RemoteLatency.Switch))
{
    return await RemoteLatency.RunAsync([.. args.Where(static a => a != RemoteLatency.Switch)]);
}

#if DEBUG
IConfig config = new DebugInProcessConfig();
#else
// Min and Median beside the Mean: on a shared machine the fastest and the middle runs say more than the average.
IConfig config = DefaultConfig.Instance.AddColumn(StatisticColumn.Min, StatisticColumn.Median, new RequestsPerSecondColumn());
#endif
BenchmarkSwitcher.FromAssembly(typeof(AuthenticatedRequestBenchmarks).Assembly).Run(args, config);
return 0;
