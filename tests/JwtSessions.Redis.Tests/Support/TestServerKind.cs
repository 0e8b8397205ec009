using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>
/// Which Redis-protocol server the tests start: <c>$JWTSESSIONS_REDIS_SERVER</c> when set (<c>garnet</c>, or the path of a
/// redis-server binary); else <c>redis-server</c> when it is on the PATH; else Garnet, which the test build always has (the
/// JwtSessions.Redis.TestServer program hosts it), so the suite runs on a machine with only the .NET SDK.
/// </summary>
internal sealed class TestServerKind
{
    public const string ServerVariable = "JWTSESSIONS_REDIS_SERVER";

    public const string Help =
        $"Install redis-server (apt-get install -y redis-server), set {ServerVariable} to its path, or set {ServerVariable}=garnet.";

    private static readonly Lazy<TestServerKind> s_selected = new(Select);

    private TestServerKind(string name, string? redisBinary)
    {
        Name = name;
        RedisBinary = redisBinary;
    }

    /// <summary>Gets the kind the tests use.</summary>
    public static TestServerKind Selected => s_selected.Value;

    /// <summary>Gets Garnet with Lua scripts run as transactions (atomic), the configuration the store supports.</summary>
    public static TestServerKind Garnet { get; } = new("garnet", redisBinary: null);

    /// <summary>Gets Garnet with Lua scripts run without transactions, which the store must refuse.</summary>
    public static TestServerKind GarnetWithoutLuaTransactions { get; } = new("garnet (no Lua transactions)", redisBinary: null);

    public string Name { get; }

    public bool IsGarnet => RedisBinary is null;

    /// <summary>Gets the redis-server binary, or <see langword="null"/> for Garnet.</summary>
    public string? RedisBinaryPath => RedisBinary;

    private string? RedisBinary { get; }

    /// <summary>The command line of a server on <paramref name="port"/> keeping its files in <paramref name="directory"/>.</summary>
    public ProcessStartInfo StartInfo(int port, string directory)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        ProcessStartInfo start;
        string[] arguments;
        if (RedisBinary is { } binary)
        {
            start = new ProcessStartInfo(binary);
            arguments =
            [
                "--port", portText, "--bind", "127.0.0.1", "--dir", directory, "--appendonly", "yes", "--appendfsync", "always",
                "--save", string.Empty, "--daemonize", "no", "--logfile", "redis.log",
            ];
        }
        else
        {
            // The managed file device (no native libaio), an append-only file committed on every write and replayed at start
            // (--recover), a small hash index (a test server holds a few thousand keys), and per-command statistics (INFO
            // commandstats), which the tests read.
            start = new ProcessStartInfo(DotnetHost());
            arguments =
            [
                GarnetHost(), "--port", portText, "--bind", "127.0.0.1", "--lua",
                "--lua-transaction-mode", this == GarnetWithoutLuaTransactions ? "false" : "true",
                "--aof", "--aof-commit-freq", "0", "--checkpointdir", directory, "--recover", "--index", "16m",
                "--device-type", "RandomAccess", "--commandstats-monitor",
            ];
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.WorkingDirectory = directory;
        return start;
    }

    public override string ToString() => Name;

    private static TestServerKind Select()
    {
        var configured = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.Equals(configured, "garnet", StringComparison.OrdinalIgnoreCase))
        {
            return Garnet;
        }

        if (!string.IsNullOrEmpty(configured))
        {
            return new TestServerKind("redis-server", configured);
        }

        return OnPath("redis-server") is { } found ? new TestServerKind("redis-server", found) : Garnet;
    }

    internal static string? OnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(directory, program);
            if (directory.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string DotnetHost()
        => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string GarnetHost()
    {
        var path = typeof(TestServerKind).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(static a => a.Key == "GarnetHost").Value!;
        if (!File.Exists(path))
        {
            Assert.Fail($"The Garnet test server was not built: {path} is missing. Build the solution (dotnet build).");
        }

        return path;
    }
}
