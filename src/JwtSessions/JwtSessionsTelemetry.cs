namespace JwtSessions;

/// <summary>The names under which JwtSessions reports metrics, for collectors (OpenTelemetry's <c>AddMeter</c>, dotnet-counters).</summary>
public static class JwtSessionsTelemetry
{
    /// <summary>
    /// The name of the <see cref="System.Diagnostics.Metrics.Meter"/> every JwtSessions component reports on. Under dependency
    /// injection the meter is made by the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>; docs/sessions.md lists
    /// its instruments.
    /// </summary>
    public const string MeterName = "JwtSessions";
}
