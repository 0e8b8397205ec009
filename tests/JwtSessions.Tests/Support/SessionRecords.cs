using JwtSessions.Sessions;

namespace JwtSessions.Tests.Support;

/// <summary>Session records for store tests: created and last rotated at <c>now</c>, by default with the default policy's deadlines.</summary>
internal static class SessionRecords
{
    public static SessionRecord Create(string id, string subject, DateTimeOffset now, TimeSpan? idle = null, TimeSpan? absolute = null) => new()
    {
        SessionId = id,
        Subject = subject,
        CreatedAt = now,
        AbsoluteExpiresAt = now + (absolute ?? SessionPolicy.Default.AbsoluteLifetime),
        IdleExpiresAt = now + (idle ?? SessionPolicy.Default.IdleTimeout),
        RotatedAt = now,
    };
}
