using System.Diagnostics;
using System.Globalization;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// <c>--pipeline</c>: the same apps with no transport (<see cref="DirectServer"/>): the hosting layer, middleware and
/// endpoint only, on one thread. The cases run in interleaved rounds; the report gives each case's fastest and median time
/// per request, its time over the floor's (the median of the per-round differences) and its bytes per request.
/// </summary>
/// <remarks>Settings, as <c>name=value</c>: <c>Algorithm</c> (HS256, ES256; both when omitted), <c>rounds</c> (200), <c>batch</c> (2,000 requests).</remarks>
internal static class PipelineComparison
{
    public const string Switch = "--pipeline";

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = RunSettings.Parse(args);
        var rounds = settings.Get("rounds", 200);
        var batch = settings.Get("batch", 2_000);
        foreach (var algorithm in settings.Algorithms)
        {
            await using var apps = await RequestApps.StartAsync(algorithm, RequestHost.Direct);
            var cases = Enum.GetValues<RequestCase>();
            var times = cases.ToDictionary(static c => c, static _ => new List<double>());
            var bytes = cases.ToDictionary(static c => c, static _ => 0.0);
            for (var round = -5; round < rounds; round++)
            {
                for (var i = 0; i < cases.Length; i++)
                {
                    var requestCase = cases[(i + Math.Max(round, 0)) % cases.Length];
                    var app = apps[requestCase];
                    var header = apps.HeaderFor(requestCase);
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var start = Stopwatch.GetTimestamp();
                    for (var n = 0; n < batch; n++)
                    {
                        await app.GetAsync(header);
                    }

                    var elapsed = Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch;
                    allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                    if (round >= 0)
                    {
                        times[requestCase].Add(elapsed);
                        bytes[requestCase] = (double)allocated / batch; // the same every round: the last is kept
                    }
                }
            }

            var floor = times[RequestCase.Anonymous];
            var authenticatedFloor = times[RequestCase.AuthenticatedFloor];
            Console.WriteLine($"{algorithm}: {rounds} rounds of {batch} requests");
            Console.WriteLine($"  {"Case",-32} {"Fastest",10} {"Median",10} {"Over floor",11} {"Ratio",6} {"Over auth floor",16} {"B/request",10}");
            foreach (var requestCase in cases)
            {
                var t = times[requestCase];
                var over = RunSettings.Median(t.Select((x, i) => x - floor[i]));
                var ratio = RunSettings.Median(t.Select((x, i) => x / floor[i]));
                var overAuthenticated = RunSettings.Median(t.Select((x, i) => x - authenticatedFloor[i]));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {requestCase,-32} {t.Min(),8:N0}ns {RunSettings.Median(t),8:N0}ns {over,9:N0}ns {ratio,6:0.00} {overAuthenticated,14:N0}ns {bytes[requestCase],10:N0}"));
            }
        }

        return 0;
    }
}
