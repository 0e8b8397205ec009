using System.Diagnostics.Metrics;
using JwtSessions.Sessions;
using JwtSessions.Validation;

namespace JwtSessions.Internal;

/// <summary>
/// The instruments of the <see cref="JwtSessionsTelemetry.MeterName"/> meter. Under dependency injection the meter comes from
/// the host's <see cref="IMeterFactory"/> (so tests and hosts can scope and collect it); otherwise one process-wide meter.
/// Instruments are cheap when nobody listens; tags are low-cardinality codes, never token data.
/// </summary>
internal sealed class JwtSessionsMetrics
{
    private readonly Counter<long> _tokensRejected;
    private readonly Counter<long> _rejectionBursts;
    private readonly Counter<long> _sessionsStarted;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _reuseDetected;
    private readonly Counter<long> _sessionsRevoked;

    private JwtSessionsMetrics(Meter meter)
    {
        _tokensRejected = meter.CreateCounter<long>(
            "jwtsessions.tokens.rejected", unit: "{token}", description: "Tokens rejected by validation, by error code.");
        _rejectionBursts = meter.CreateCounter<long>(
            "jwtsessions.tokens.rejection_bursts", unit: "{burst}", description: "Windows in which rejected tokens reached the burst threshold.");
        _sessionsStarted = meter.CreateCounter<long>(
            "jwtsessions.sessions.started", unit: "{session}", description: "Sessions started.");
        _refreshes = meter.CreateCounter<long>(
            "jwtsessions.refreshes", unit: "{refresh}", description: "Refresh attempts, by outcome.");
        _reuseDetected = meter.CreateCounter<long>(
            "jwtsessions.refresh_token.reuse_detected", unit: "{session}", description: "Refresh-token replays that revoked a session.");
        _sessionsRevoked = meter.CreateCounter<long>(
            "jwtsessions.sessions.revoked", unit: "{session}", description: "Sessions revoked, by reason.");
    }

    /// <summary>Gets the instruments on the process-wide meter, for components built without dependency injection.</summary>
    public static JwtSessionsMetrics Shared { get; } = new(new Meter(JwtSessionsTelemetry.MeterName, Version));

    private static string? Version => typeof(JwtSessionsMetrics).Assembly.GetName().Version?.ToString();

    /// <summary>Gets the instruments on the meter of <paramref name="meterFactory"/>, or the shared ones when it is null.</summary>
    public static JwtSessionsMetrics Create(IMeterFactory? meterFactory)
        => meterFactory is null ? Shared : new(meterFactory.Create(new MeterOptions(JwtSessionsTelemetry.MeterName) { Version = Version }));

    public void TokenRejected(TokenValidationError error) => _tokensRejected.Add(1, new KeyValuePair<string, object?>("error", error.ToCode()));

    public void RejectionBurst() => _rejectionBursts.Add(1);

    public void SessionStarted() => _sessionsStarted.Add(1);

    public void Refreshed(RefreshStatus status) => _refreshes.Add(1, new KeyValuePair<string, object?>("status", status.ToString()));

    public void ReuseDetected() => _reuseDetected.Add(1);

    public void SessionRevoked(SessionEndReason reason) => _sessionsRevoked.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
}
