using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using JwtSessions.Tests.Support;
using MobileBackend;

namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>
/// The sample, composed by its own <see cref="MobileBackendApp.Create"/> and served from its own folder (its wwwroot is the
/// page under test) on real Kestrel on 127.0.0.1, port 0; the browser reaches it as <c>http://localhost:port</c>, which
/// browsers treat as a secure context, so it may set <c>Secure</c> and <c>__Host-</c> cookies over plain HTTP. It runs in the
/// Development environment, the only one in which the cookie transport answers plain HTTP (and only on loopback). The server's
/// clock is a <see cref="FakeTimeProvider"/>: tokens expire when a test advances it, never by waiting.
/// </summary>
internal sealed class SampleHost : IAsyncDisposable
{
    /// <summary>The fake clock's start, a fixed instant (tests never read the wall clock).</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly WebApplication _app;

    private SampleHost(WebApplication app, FakeTimeProvider clock, RequestRecorder recorder, Uri origin)
    {
        _app = app;
        Clock = clock;
        Recorder = recorder;
        Origin = origin;
    }

    public FakeTimeProvider Clock { get; }

    public RequestRecorder Recorder { get; }

    /// <summary>The sample's origin as the browser uses it: <c>http://localhost:port</c>.</summary>
    public Uri Origin { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the sample.</summary>
    /// <param name="settings">Configuration overrides as <c>--Key=Value</c> arguments, for example <c>--Dpop:Enabled=true</c>.</param>
    public static async Task<SampleHost> StartAsync(params string[] settings)
    {
        var contentRoot = typeof(SampleHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(static a => a.Key == "SampleContentRoot").Value!;
        var clock = new FakeTimeProvider(Start);
        var recorder = new RequestRecorder();
        var app = MobileBackendApp.Create(
            ["--contentRoot", contentRoot, "--urls", "http://127.0.0.1:0", "--environment", "Development", .. settings],
            builder =>
            {
                // Every log of the sample (the library's, Kestrel's, hosting's) goes to the suite's capture, scanned for tokens.
                builder.Logging.ClearProviders().AddProvider(SuiteLogs.Factory).SetMinimumLevel(LogLevel.Trace);
                builder.Services.AddSingleton<TimeProvider>(clock);
                builder.Services.AddSingleton<IStartupFilter>(recorder);
            });
        await app.StartAsync();
        var port = new Uri(app.Urls.Single()).Port;
        return new SampleHost(app, clock, recorder, new Uri($"http://localhost:{port}"));
    }

    public Uri Url(string path) => new(Origin, path);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
