using System.Diagnostics;

namespace JwtSessions.Internal;

/// <summary>
/// The <see cref="JwtSessionsTelemetry.ActivitySourceName"/> source. Spans carry operation names and outcomes only: never a
/// token, a key, a refresh secret, or a session id (which, with a forged token, would help nobody, but is kept out all the same).
/// </summary>
internal static class JwtSessionsActivities
{
    public static ActivitySource Source { get; } = new(JwtSessionsTelemetry.ActivitySourceName, typeof(JwtSessionsActivities).Assembly.GetName().Version?.ToString());
}
