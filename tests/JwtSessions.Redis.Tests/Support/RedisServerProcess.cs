using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>
/// A private redis-server for tests that stop and restart Redis: 127.0.0.1 on a free port, its own temporary directory, and
/// AOF with <c>appendfsync always</c>, so every acknowledged write survives a kill. The binary is <c>$JWTSESSIONS_REDIS_SERVER</c>
/// or <c>redis-server</c> on the PATH.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _directory;
    private Process? _process;

    private RedisServerProcess(int port, DirectoryInfo directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisServerProcess> StartAsync()
    {
        var server = new RedisServerProcess(FreePort(), Directory.CreateTempSubdirectory("jwtsessions-redis-"));
        try
        {
            await server.RestartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (again) on the same port and directory; the AOF is replayed.</summary>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The server is already running.");
        }

        var binary = Environment.GetEnvironmentVariable("JWTSESSIONS_REDIS_SERVER") is { Length: > 0 } path ? path : "redis-server";
        var start = new ProcessStartInfo(binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory.FullName,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _directory.FullName,
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", string.Empty,
            "--daemonize", "no",
            "--logfile", "redis.log",
        })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"Cannot run '{binary}' ({ex.Message}). Install it (apt-get install -y redis-server) or set JWTSESSIONS_REDIS_SERVER.");
        }

        _process!.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (!await PingAsync())
        {
            if (_process.HasExited || watch.Elapsed > s_startTimeout)
            {
                var log = Path.Combine(_directory.FullName, "redis.log");
                var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(10)) : "(no log)";
                Assert.Fail($"redis-server on port {Port} did not answer PING: {tail}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Kills the server (SIGKILL): a crash, with no chance to flush anything beyond what AOF already has.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory: leave it if something still holds it.
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);

            // "-LOADING" while the AOF is replayed: not ready yet.
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
