using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>Session managers as a fleet of servers would configure them: the same issuer, audience and key rings everywhere.</summary>
internal sealed class TestManagers
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "api://test";

    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public KeyRing AccessKeys { get; } = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "access-1"));

    public KeyRing RefreshKeys { get; } = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "refresh-1"));

    public FakeTimeProvider Time { get; } = new(Start);

    public SessionManager Create(ISessionStore store, RevocationFailureMode failureMode = RevocationFailureMode.UseLocalState)
        => Create(store, SessionPolicy.Default, failureMode);

    public SessionManager Create(ISessionStore store, SessionPolicy policy, RevocationFailureMode failureMode = RevocationFailureMode.UseLocalState)
        => new(
            new SessionManagerOptions
            {
                Issuer = Issuer,
                Audience = Audience,
                AccessTokenKeys = AccessKeys,
                RefreshTokenKeys = RefreshKeys,
                RevocationFailureMode = failureMode,
                Policy = policy,
            },
            store, timeProvider: Time, logger: SuiteLogs.For<SessionManager>());
}
