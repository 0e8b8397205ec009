namespace JwtSessions;

/// <summary>The names under which JwtSessions reports metrics, for collectors (OpenTelemetry's <c>AddMeter</c>, dotnet-counters).</summary>
public static class JwtSessionsTelemetry
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every JwtSessions component reports on. Under dependency
    /// injection the meter is made by the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>; docs/observability.md
    /// lists its instruments.
    /// </summary>
    public const string MeterName = "JwtSessions";

    /// <summary>
    /// The name of the <see cref="System.Diagnostics.ActivitySource"/> of JwtSessions' spans (session start, refresh,
    /// revocation, and each session store call), for OpenTelemetry's <c>AddSource</c>; docs/observability.md lists them.
    /// No span carries a token, a key or a refresh secret.
    /// </summary>
    public const string ActivitySourceName = "JwtSessions";
}
