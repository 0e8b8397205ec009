namespace JwtSessions.Sessions;

/// <summary>A session revocation as published to every validator.</summary>
/// <param name="SessionId">The revoked session.</param>
/// <param name="Subject">Its subject.</param>
/// <param name="RevokedAt">When it was revoked.</param>
/// <param name="Reason">Why.</param>
public sealed record SessionRevocation(string SessionId, string Subject, DateTimeOffset RevokedAt, SessionEndReason Reason);
