using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;

namespace JwtSessions.Benchmarks;

/// <summary>
/// <c>--quick</c>: a rough ratio check for a shared or busy machine, where BenchmarkDotNet's means swing with the neighbours'
/// load. Each benchmark method runs in many short interleaved batches; it reports the fastest batch (the least disturbed one)
/// and its ratio to the class's baseline, and the median over rounds of the ratio to the baseline timed in the same round.
/// Parameters take their first value unless given as <c>Name=Value</c>; <c>Name=A|B</c> runs an instance per value, interleaved in
/// the same rounds, and for two instances also reports each case's ratio on one over its ratio on the other (how it scales
/// with <c>Threads=1|2</c>, compared with its floor). Allocations per call are counted exactly over one
/// batch after warm-up (<see cref="GC.GetAllocatedBytesForCurrentThread"/>: the calling thread's only, so 0 B for what a
/// threads class runs on its workers). Times and allocations are per operation (a call over its <c>OperationsPerInvoke</c>). With <c>results=DIR</c> each class's figures are
/// also written to <c>DIR</c> as a CSV that <c>benchmarks/plot.py</c> charts.
/// </summary>
internal static class QuickCompare
{
    public const string Switch = "--quick";

    public static int Run(string[] args)
    {
        var filters = args.Where(static a => !a.Contains('=', StringComparison.Ordinal)).ToArray();
        var settings = args.Where(static a => a.Contains('=', StringComparison.Ordinal))
            .Select(static a => a.Split('=', 2)).ToDictionary(static p => p[0], static p => p[1], StringComparer.OrdinalIgnoreCase);
        var types = typeof(QuickCompare).Assembly.GetTypes()
            .Where(static t => t.GetMethods().Any(static m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .Where(t => filters.Length == 0 || filters.Any(f => t.Name.Contains(f, StringComparison.OrdinalIgnoreCase)));
        foreach (var type in types)
        {
            // One instance per combination of the parameter values given (Name=A|B runs both, interleaved in the same rounds).
            var setups = ParameterCombinations(type, settings).Select(parameters => Setup(type, parameters)).ToArray();
            var runners = setups.SelectMany(static s => s.Cases).Select(static c => c.Run).ToArray();

            // Tiered compilation optimizes hot methods in the background, after a quiet delay and two rounds of call counting
            // (tier 0, instrumented tier, tier 1): a few thousand calls are not enough, and batches measured before that
            // run unoptimized code, several times slower. Unrecorded rounds come first, so every case is measured at tier 1.
            var warmup = Stopwatch.StartNew();
            while (warmup.Elapsed < TimeSpan.FromSeconds(3))
            {
                foreach (var runner in runners)
                {
                    runner();
                }
            }

            // Every round times each case of every instance once, so a case and its baseline (and the same case on another
            // parameter value) in one round ran under the same neighbours.
            var deadline = Stopwatch.StartNew();
            for (var round = 0; round < 3000 && deadline.Elapsed < TimeSpan.FromSeconds(20 * setups.Length); round++)
            {
                foreach (var setup in setups)
                {
                    for (var i = 0; i < setup.Cases.Length; i++)
                    {
                        setup.Times[i].Add(setup.Cases[i].Run());
                    }
                }
            }

            foreach (var setup in setups)
            {
                Report(type, setup, settings);
            }

            if (setups.Length == 2)
            {
                ReportAcross(setups[0], setups[1]);
            }

            foreach (var setup in setups)
            {
                type.GetMethods().FirstOrDefault(static m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null)?.Invoke(setup.Instance, null);
            }
        }

        return 0;
    }

    /// <summary>Each parameter's values: the given ones (<c>Name=A</c> or <c>Name=A|B</c>), else its first declared value.</summary>
    private static (string Name, object Value)[][] ParameterCombinations(Type type, Dictionary<string, string> settings)
    {
        IEnumerable<(string Name, object Value)[]> combinations = [[]];
        foreach (var property in type.GetProperties().Where(static p => p.GetCustomAttribute<ParamsAttribute>() is not null))
        {
            var values = settings.TryGetValue(property.Name, out var text)
                ? text.Split('|').Select(v => property.PropertyType.IsEnum ? Enum.Parse(property.PropertyType, v)
                    : Convert.ChangeType(v, property.PropertyType, CultureInfo.InvariantCulture)).ToArray()
                : [property.GetCustomAttribute<ParamsAttribute>()!.Values[0]!];
            combinations = combinations.SelectMany(c => values.Select(v => (Name: property.Name, Value: v)).Select(p => (c.Append(p).ToArray())));
        }

        return combinations.ToArray();
    }

    private static ClassInstance Setup(Type type, (string Name, object Value)[] parameters)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var (name, value) in parameters)
        {
            type.GetProperty(name)!.SetValue(instance, value);
        }

        type.GetMethods().FirstOrDefault(static m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null)?.Invoke(instance, null);

        // The cases BenchmarkDotNet itself would run for these parameter values, so a class's config filters apply here too
        // (the asymmetric class leaves out JsonWebTokenHandler for EdDSA, which it does not implement).
        var methods = BenchmarkConverter.TypeToBenchmarks(type).BenchmarksCases
            .Where(c => c.Parameters.Items.All(p => Equals(p.Value, type.GetProperty(p.Name)!.GetValue(instance))))
            .Select(static c => c.Descriptor.WorkloadMethod)
            .Distinct()
            .ToArray();
        var cases = methods.Select(m => CreateRunner(m, instance)).ToArray();
        return new ClassInstance(instance, parameters, methods, cases, methods.Select(static _ => new List<double>()).ToArray());
    }

    private static void Report(Type type, ClassInstance setup, Dictionary<string, string> settings)
    {
        var (_, parameters, methods, cases, times) = setup;
        var values = parameters.Select(static p => p.Value.ToString()).ToArray();
        Console.WriteLine($"{type.Name} {string.Join(' ', parameters.Select(static p => $"{p.Name}={p.Value}"))}");
        var baseline = Array.FindIndex(methods, static m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"Method",-34} {"Fastest",15}  {"Ratio",7}  {"Median of round ratios",22}  {"Allocated",10}  ({times[0].Count} rounds)"));
        var csv = new List<string> { "Method,Algorithm,Median,Ratio,RoundRatio,Allocated" };
        for (var i = 0; i < methods.Length; i++)
        {
            var best = times[i].Min();
            double? ratio = baseline >= 0 ? best / times[baseline].Min() : null;
            double? roundRatio = baseline >= 0 ? Median(times[i].Select((t, round) => t / times[baseline][round])) : null;
            var allocated = string.Create(CultureInfo.InvariantCulture, $"{cases[i].AllocatedBytes:0} B");
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {methods[i].Name,-34} {best,12:N1} ns  {Format(ratio),7}  {Format(roundRatio),22}  {allocated,10}  median {Median(times[i]),12:N1} ns"));
            csv.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"{methods[i].Name},{string.Join(' ', values)},{best:0.0} ns,{ratio:0.00},{roundRatio:0.00},{allocated}"));
        }

        if (settings.TryGetValue("results", out var folder))
        {
            Directory.CreateDirectory(folder);
            var suffix = values.Length == 0 ? string.Empty : "-" + string.Join('-', values);
            File.WriteAllLines(Path.Combine(folder, $"{type.FullName}{suffix}-report.csv"), csv);
        }
    }

    /// <summary>
    /// Two instances of one class (for example <c>Threads=1|2</c>): for each case, its ratio to the baseline on the first over
    /// that ratio on the second, taken within each round, median over rounds (and from the fastest batches). For a threads
    /// class that is how the case scales compared with how its floor scales: 1 when it scales exactly like the floor.
    /// </summary>
    private static void ReportAcross(ClassInstance first, ClassInstance second)
    {
        var baseline = Array.FindIndex(first.Methods, static m => m.GetCustomAttribute<BenchmarkAttribute>()!.Baseline);
        if (baseline < 0)
        {
            return;
        }

        string Name(ClassInstance s) => string.Join(' ', s.Parameters.Select(static p => $"{p.Name}={p.Value}"));
        Console.WriteLine($"Ratio to the baseline with {Name(first)} over the same with {Name(second)} (1: the case scales like the floor)");
        for (var i = 0; i < first.Methods.Length; i++)
        {
            var rounds = Math.Min(first.Times[i].Count, second.Times[i].Count);
            var perRound = Median(Enumerable.Range(0, rounds).Select(r =>
                first.Times[i][r] / first.Times[baseline][r] / (second.Times[i][r] / second.Times[baseline][r])));
            var fastest = first.Times[i].Min() / first.Times[baseline].Min() / (second.Times[i].Min() / second.Times[baseline].Min());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {first.Methods[i].Name,-34} median of rounds {perRound,6:0.00}  fastest {fastest,6:0.00}"));
        }
    }

    private static (Func<double> Run, double AllocatedBytes) CreateRunner(MethodInfo method, object instance)
    {
        var make = typeof(QuickCompare).GetMethod(nameof(CreateTypedRunner), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(method.ReturnType);
        var call = method.CreateDelegate(typeof(Func<>).MakeGenericType(method.ReturnType), instance);
        var (run, allocated) = ((Func<double>, double))make.Invoke(null, [call])!;

        // Per operation, as BenchmarkDotNet reports it: a call of a threads class runs OperationsPerInvoke operations per thread.
        double operations = method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
        return (() => run() / operations, allocated / operations);
    }

    private static (Func<double> Run, double AllocatedBytes) CreateTypedRunner<T>(Func<T> call)
    {
        // Sized after a first warm-up (2,000 calls, or half a second for calls of milliseconds, such as a threads class's
        // invocations) to batches of at least 50 us; timed from raw timestamps (a TimeSpan would round each batch to 100 ns).
        var warmup = Stopwatch.StartNew();
        for (var i = 0; i < 2000 && warmup.ElapsedMilliseconds < 500; i++)
        {
            Consume(call());
        }

        var batch = 1;
        while (TimeBatch(call, batch) < 50_000)
        {
            batch *= 2;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        TimeBatch(call, batch);
        var allocated = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / batch;
        return (() => TimeBatch(call, batch) / batch, allocated);
    }

    private static double TimeBatch<T>(Func<T> call, int batch)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < batch; i++)
        {
            Consume(call());
        }

        return (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency;
    }

    private static string Format(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static void Consume<T>(T value)
    {
        if (value is Task task)
        {
            task.GetAwaiter().GetResult();
        }
    }

    private sealed record ClassInstance(
        object Instance,
        (string Name, object Value)[] Parameters,
        MethodInfo[] Methods,
        (Func<double> Run, double AllocatedBytes)[] Cases,
        List<double>[] Times);
}
