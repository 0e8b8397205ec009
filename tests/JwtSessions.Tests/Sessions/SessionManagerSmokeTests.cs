using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

public sealed class SessionManagerSmokeTests
{
    [Test]
    public async Task Lifecycle_SignInRefreshReplayRevoke_BehavesAsSpecified()
    {
        var time = TestClock.Create();
        using var manager = new SessionManager(new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(TestKeys.Es256),
        }, timeProvider: time, logger: SuiteLogs.For<SessionManager>());

        var first = await manager.StartSessionAsync("alice");
        manager.ValidateAccessToken(first.AccessToken).IsValid.Should().BeTrue();

        time.Advance(TimeSpan.FromMinutes(1));
        var second = await manager.RefreshAsync(first.RefreshToken);
        second.Status.Should().Be(RefreshStatus.Rotated);

        time.Advance(TimeSpan.FromSeconds(5));
        var grace = await manager.RefreshAsync(first.RefreshToken);
        grace.Status.Should().Be(RefreshStatus.GraceReissued);
        grace.Tokens!.Generation.Should().Be(second.Tokens!.Generation);

        time.Advance(TimeSpan.FromSeconds(10));
        var replay = await manager.RefreshAsync(first.RefreshToken);
        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
        replay.SessionId.Should().Be(first.SessionId);
        replay.Subject.Should().Be("alice");

        manager.ValidateAccessToken(second.Tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        (await manager.RefreshAsync(second.Tokens.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
        manager.ValidateAccessToken(first.RefreshToken).Error.Should().Be(TokenValidationError.UnsupportedAlgorithm, "the access ring holds no HS256 key");
    }
}
