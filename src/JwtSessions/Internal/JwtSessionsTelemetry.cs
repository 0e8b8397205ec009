using System.Diagnostics.Metrics;

namespace JwtSessions.Internal;

/// <summary>
/// The <c>JwtSessions</c> meter. Instruments are cheap when nobody listens; tags are low-cardinality codes, never token data.
/// </summary>
internal static class JwtSessionsTelemetry
{
    public const string MeterName = "JwtSessions";

    private static readonly Meter s_meter = new(MeterName, typeof(JwtSessionsTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Tokens rejected by a validator, tagged <c>error</c> (snake_case code).</summary>
    public static readonly Counter<long> TokensRejected = s_meter.CreateCounter<long>(
        "jwtsessions.tokens.rejected", unit: "{token}", description: "Tokens rejected by validation, by error code.");

    /// <summary>Bursts of rejections reported by validators (see <c>TokenValidator.RejectionBurst</c>).</summary>
    public static readonly Counter<long> RejectionBursts = s_meter.CreateCounter<long>(
        "jwtsessions.tokens.rejection_bursts", unit: "{burst}", description: "Windows in which rejected tokens reached the burst threshold.");

    /// <summary>Sessions started.</summary>
    public static readonly Counter<long> SessionsStarted = s_meter.CreateCounter<long>(
        "jwtsessions.sessions.started", unit: "{session}", description: "Sessions started.");

    /// <summary>Refresh attempts, tagged <c>status</c>.</summary>
    public static readonly Counter<long> Refreshes = s_meter.CreateCounter<long>(
        "jwtsessions.refreshes", unit: "{refresh}", description: "Refresh attempts, by outcome.");

    /// <summary>Refresh-token reuse detections (each revoked a session).</summary>
    public static readonly Counter<long> ReuseDetected = s_meter.CreateCounter<long>(
        "jwtsessions.refresh_token.reuse_detected", unit: "{session}", description: "Refresh-token replays that revoked a session.");

    /// <summary>Sessions revoked, tagged <c>reason</c>.</summary>
    public static readonly Counter<long> SessionsRevoked = s_meter.CreateCounter<long>(
        "jwtsessions.sessions.revoked", unit: "{session}", description: "Sessions revoked, by reason.");
}
