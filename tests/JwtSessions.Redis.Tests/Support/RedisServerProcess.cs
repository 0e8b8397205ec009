using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>
/// A private Redis-protocol server for tests, as a child process: 127.0.0.1 on a free port, its own temporary directory, and
/// an append-only file committed on every write, so every acknowledged write survives a kill. Which server is
/// <see cref="TestServerKind"/>'s choice: redis-server, or Garnet hosted by the JwtSessions.Redis.TestServer program.
/// </summary>
internal sealed partial class RedisServerProcess : IAsyncDisposable
{
    private const int SignalContinue = 18;
    private const int SignalStop = 19;

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(15);

    private readonly DirectoryInfo _directory;
    private readonly string[] _extraArguments;
    private Process? _process;

    private RedisServerProcess(TestServerKind kind, int port, DirectoryInfo directory, string[] extraArguments)
    {
        Kind = kind;
        Port = port;
        _directory = directory;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Gets the kind of server this process runs.</summary>
    public TestServerKind Kind { get; }

    /// <summary>Starts a server of <paramref name="kind"/>, by default the one the tests use (<see cref="TestServerKind.Selected"/>).</summary>
    /// <param name="kind">The kind of server.</param>
    /// <param name="extraArguments">More command-line arguments, for example those of a cluster node.</param>
    public static async Task<RedisServerProcess> StartAsync(TestServerKind? kind = null, params string[] extraArguments)
    {
        var server = new RedisServerProcess(kind ?? TestServerKind.Selected, FreePort(), Directory.CreateTempSubdirectory("jwtsessions-redis-"), extraArguments);
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

        var start = Kind.StartInfo(Port, _directory.FullName);
        foreach (var argument in _extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException($"{Kind.Name} did not start.");
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"Cannot run '{start.FileName}' ({ex.Message}). {TestServerKind.Help}");
        }

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process!.OutputDataReceived += (_, e) => Keep(output, e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (!await PingAsync())
        {
            if (_process.HasExited || watch.Elapsed > s_startTimeout)
            {
                var log = Path.Combine(_directory.FullName, "redis.log");
                var tail = File.Exists(log) ? File.ReadLines(log).TakeLast(10) : output.TakeLast(10);
                Assert.Fail($"{Kind.Name} on port {Port} did not answer PING: {string.Join('\n', tail)}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Stops the server's process (SIGSTOP) without ending it, as a machine that stalls would: it reads nothing from its
    /// sockets until <see cref="Resume"/>. Linux only, like the redis-server processes it is used on.
    /// </summary>
    public void Suspend() => Signal(SignalStop);

    /// <summary>Lets a suspended server run again (SIGCONT).</summary>
    public void Resume() => Signal(SignalContinue);

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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int processId, int signal);

    private void Signal(int signal)
    {
        var process = _process is { HasExited: false } running ? running : throw new InvalidOperationException("The server is not running.");
        if (SendSignal(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"Signal {signal} to process {process.Id} failed: error {Marshal.GetLastPInvokeError()}.");
        }
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

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 50)
        {
            output.TryDequeue(out _);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
