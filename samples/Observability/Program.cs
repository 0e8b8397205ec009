// Runs a session lifecycle with OpenTelemetry's console exporters attached to JwtSessions' meter and activity source
// (docs/observability.md): dotnet run --project samples/Observability
// Every span, the metrics at exit and the detector's event are printed; none carries a token, a refresh secret or a key.
using JwtSessions;
using JwtSessions.Anomalies;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders().AddSimpleConsole(console => console.SingleLine = true);
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter(JwtSessionsTelemetry.MeterName).AddConsoleExporter())
    .WithTracing(tracing => tracing.AddSource(JwtSessionsTelemetry.ActivitySourceName).AddConsoleExporter());
builder.Services.AddJwtSessions(options =>
{
    options.Issuer = "https://id.example.com";
    options.Audience = "api://example";
    options.AccessTokenKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.ES256, "sample-1"));
});
builder.Services.AddSingleton(services => new AnomalyDetector(
    new AnomalyDetectorOptions(), services.GetService<TimeProvider>(), services.GetService<ILogger<AnomalyDetector>>(), services.GetService<System.Diagnostics.Metrics.IMeterFactory>()));

using var host = builder.Build();
await host.StartAsync();
var manager = host.Services.GetRequiredService<JwtSessions.Sessions.SessionManager>();
var detector = host.Services.GetRequiredService<AnomalyDetector>();
detector.AnomalyDetected += (_, anomaly) => Console.WriteLine($"anomaly: {anomaly.Kind} from {anomaly.ClientKey}");

// Sign-in, a refresh, then a replay of the first refresh token after the grace window: theft, the session is revoked.
var first = await manager.StartSessionAsync("alice");
var second = await manager.RefreshAsync(first.RefreshToken, context: null);
Console.WriteLine($"refresh: {second.Status}");
await Task.Delay(TimeSpan.FromSeconds(11));
var replay = await manager.RefreshAsync(first.RefreshToken, context: null);
Console.WriteLine($"replay: {replay.Status}");
detector.RecordRefresh("203.0.113.7", replay);

// Garbage bearer headers from one client: rejected before any store call, and counted by the detector.
for (var i = 0; i < 30; i++)
{
    var result = manager.ValidateAccessToken("eyJhbGciOiJIUzI1NiJ9.e30.garbage" + i);
    detector.RecordInvalidAccessToken("198.51.100.9", result.Error);
}

await host.StopAsync();
