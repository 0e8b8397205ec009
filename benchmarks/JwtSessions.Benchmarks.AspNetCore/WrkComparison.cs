using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using JwtSessions.Signing;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// <c>--wrk</c>: the same apps on Kestrel over loopback, loaded by <c>wrk</c> (the distribution's package): requests per
/// second and bytes allocated per request (the whole process's allocations during the run, over wrk's request count). The
/// cases run in rounds, each round in a rotated order, so each case meets the machine's quiet and busy phases alike; the
/// report gives each case's median over the rounds and the median of its per-round ratio to the floor and to JwtBearer.
/// </summary>
/// <remarks>
/// Settings, as <c>name=value</c>: <c>Algorithm</c> (HS256, ES256; both when omitted), <c>rounds</c> (5), <c>duration</c> in
/// seconds (5), <c>connections</c> (16), <c>threads</c> (1: on 2 cores, wrk on one and the server on the other).
/// </remarks>
internal static partial class WrkComparison
{
    public const string Switch = "--wrk";

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = RunSettings.Parse(args);
        var algorithms = settings.Algorithms;
        var rounds = settings.Get("rounds", 5);
        var duration = settings.Get("duration", 5);
        var connections = settings.Get("connections", 16);
        var threads = settings.Get("threads", 1);
        Console.WriteLine($"wrk -t{threads} -c{connections} -d{duration}s, {rounds} rounds, {Environment.ProcessorCount} cores");

        foreach (var algorithm in algorithms)
        {
            await using var apps = await RequestApps.StartAsync(algorithm, RequestHost.Kestrel);
            var cases = Enum.GetValues<RequestCase>();
            foreach (var requestCase in cases)
            {
                await RunWrkAsync(apps, requestCase, threads, connections, seconds: 2); // warm-up: JIT tiers, connection pools
            }

            var results = cases.ToDictionary(static c => c, static _ => new List<(double Rps, double Bytes)>());
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < cases.Length; i++)
                {
                    var requestCase = cases[(i + round) % cases.Length];
                    results[requestCase].Add(await RunWrkAsync(apps, requestCase, threads, connections, duration));
                }
            }

            Report(algorithm, results);
        }

        return 0;
    }

    private static void Report(JwtAlgorithm algorithm, Dictionary<RequestCase, List<(double Rps, double Bytes)>> results)
    {
        Console.WriteLine();
        Console.WriteLine($"{algorithm}: median of {results[RequestCase.Anonymous].Count} rounds");
        Console.WriteLine($"  {"Case",-32} {"Req/s",10} {"Cost vs floor",14} {"Req/s vs JwtBearer",19} {"B/request",10}");
        var floor = results[RequestCase.Anonymous];
        var bearer = results[RequestCase.JwtBearer];
        foreach (var (requestCase, runs) in results)
        {
            // Cost per request is 1 / (requests per second): the floor's rate over this case's rate, round by round.
            var cost = RunSettings.Median(runs.Select((r, round) => floor[round].Rps / r.Rps));
            var versusBearer = RunSettings.Median(runs.Select((r, round) => r.Rps / bearer[round].Rps));
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {requestCase,-32} {RunSettings.Median(runs.Select(static r => r.Rps)),10:N0} {cost,13:0.00}x {versusBearer,18:0.00}x {RunSettings.Median(runs.Select(static r => r.Bytes)),10:N0}"));
        }
    }

    private static async Task<(double Rps, double Bytes)> RunWrkAsync(RequestApps apps, RequestCase requestCase, int threads, int connections, int seconds)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { $"-t{threads}", $"-c{connections}", $"-d{seconds}s" })
        {
            start.ArgumentList.Add(argument);
        }

        if (apps.HeaderFor(requestCase) is { } header)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add("Authorization: " + header);
        }

        start.ArgumentList.Add(apps[requestCase].Address.ToString());
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk).");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        var errors = await wrk.StandardError.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (wrk.ExitCode != 0 || NonSuccess().IsMatch(output))
        {
            throw new InvalidOperationException($"{requestCase}: wrk failed or saw non-2xx answers:{Environment.NewLine}{output}{errors}");
        }

        var requests = double.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        return (rps, allocated / requests);
    }

    [GeneratedRegex(@"^\s*(\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex Requests();

    [GeneratedRegex(@"^Requests/sec:\s*([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses", RegexOptions.Multiline)]
    private static partial Regex NonSuccess();
}
