using System.Runtime.InteropServices;
using SharpFuzz;

namespace JwtSessions.Fuzz;

/// <summary>
/// <c>JwtSessions.Fuzz TARGET</c> under fuzz/driver/libfuzzer-dotnet: the libFuzzer loop. Outside it:
/// <c>JwtSessions.Fuzz TARGET FILE|DIR...</c> replays inputs through the same oracles, <c>JwtSessions.Fuzz seeds TARGET DIR</c>
/// writes the target's own seeds, and <c>JwtSessions.Fuzz list</c> names the targets (docs/testing.md).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] == "list")
        {
            foreach (var each in FuzzTargets.All)
            {
                Console.WriteLine($"{each.Name,-14} {each.Description}");
            }

            return args.Length == 0 ? 2 : 0;
        }

        var name = args[0] == "seeds" && args.Length == 3 ? args[1] : args[0];
        var entry = FuzzTargets.Find(name);
        if (entry is null)
        {
            Console.Error.WriteLine($"Unknown target '{name}'; 'list' names them.");
            return 2;
        }

        if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is not null)
        {
            // The target is made inside the loop: instrumented code may run only once Run has attached the coverage map.
            IFuzzTarget? target = null;
            Fuzzer.LibFuzzer.Run(input => (target ??= entry.Create()).Run(input));
            return 0;
        }

        AttachScratchCoverageMap();
        return args[0] == "seeds" ? WriteSeeds(entry, args[2]) : Replay(entry, args.Skip(1));
    }

    /// <summary>
    /// Instrumented assemblies count edges into SharpFuzz's map; outside libFuzzer nobody attaches one, so replaying with the
    /// instrumented build gets a scratch map (harmless, and needless with an uninstrumented build).
    /// </summary>
    private static unsafe void AttachScratchCoverageMap()
        => SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16);

    private static int Replay(FuzzTarget entry, IEnumerable<string> paths)
    {
        var target = entry.Create();
        var files = paths.SelectMany(static p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Order(StringComparer.Ordinal)
            .ToList();
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                failed++;
                Console.Error.WriteLine($"{entry.Name}: {file}: {ex}");
            }
        }

        Console.WriteLine($"{entry.Name}: {files.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static int WriteSeeds(FuzzTarget entry, string directory)
    {
        Directory.CreateDirectory(directory);
        var count = 0;
        foreach (var seed in entry.Create().Seeds())
        {
            File.WriteAllBytes(Path.Combine(directory, $"seed-{entry.Name}-{count++:D2}"), seed);
        }

        Console.WriteLine($"{entry.Name}: {count} seeds in {directory}");
        return 0;
    }
}
