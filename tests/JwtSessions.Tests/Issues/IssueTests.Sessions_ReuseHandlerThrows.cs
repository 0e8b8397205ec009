using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

public sealed partial class IssueTests
{
    [Test]
    public async Task Refresh_ReuseDetectedHandlerThrows_StillReportsReuseDetected()
    {
        // An exception from a ReuseDetected handler must not turn the result into StoreUnavailable and hide the theft.
        var time = TestClock.Create();
        using var manager = new SessionManager(new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(TestKeys.Es256),
            Policy = SessionPolicy.Default with { RefreshGracePeriod = TimeSpan.Zero },
        }, timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        manager.ReuseDetected += (_, _) => throw new InvalidOperationException("observer failure");
        var first = await manager.StartSessionAsync("alice");
        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);

        var replay = await manager.RefreshAsync(first.RefreshToken);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
        replay.Subject.Should().Be("alice");
    }
}
