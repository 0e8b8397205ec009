using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Issue 20, tokens outliving the reach of logout: an access token capped at the session's deadline still validated for the
/// clock skew after it, while the store had swept the session, so "log out everywhere" found nothing and logout returned
/// false. Fixed by ending access tokens ClockSkew before the deadline: no token validates at or after it.
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public async Task AccessToken_AroundTheSessionDeadline_ValidatesOnlyWhileLogoutReachesIt()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time, SweepInterval = TimeSpan.FromSeconds(1) });
        using var manager = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = RawToken.Issuer,
                Audience = RawToken.Audience,
                AccessTokenKeys = KeyRing.Create(TestKeys.Hs256),
                Policy = SessionPolicy.Default with { IdleTimeout = TimeSpan.FromMinutes(10), AbsoluteLifetime = TimeSpan.FromMinutes(20) },
            },
            store, timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        var tokens = await manager.StartSessionAsync("alice");
        foreach (var at in new[] { TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(16), TimeSpan.FromSeconds((18 * 60) + 40) })
        {
            time.SetUtcNow(TestClock.Start + at);
            tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
        }

        // Every second from the last rotation to past the deadline plus the skew: whenever the token validates, the session
        // is still listed, so "log out everywhere" (and logout) reach it.
        var deadline = TestClock.Start + TimeSpan.FromMinutes(20);
        var validSeconds = 0;
        while (time.GetUtcNow() < deadline + TimeSpan.FromMinutes(1))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            if (manager.ValidateAccessToken(tokens.AccessToken).IsValid)
            {
                time.GetUtcNow().Should().BeBefore(deadline, "the validator refuses the session's tokens at its deadline");
                validSeconds++;
                (await manager.ListSessionsAsync("alice")).Select(s => s.SessionId).Should().Contain(tokens.SessionId, "at {0:T}", time.GetUtcNow());
            }
        }

        validSeconds.Should().BeGreaterThan(0);
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Expired);
    }

    [Test]
    public async Task LogoutEverywhere_PastTheDeadlineWithinTheSkew_LeavesNoTokenValid()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time, SweepInterval = TimeSpan.FromSeconds(1) });
        using var manager = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = RawToken.Issuer,
                Audience = RawToken.Audience,
                AccessTokenKeys = KeyRing.Create(TestKeys.Hs256),
                Policy = SessionPolicy.Default with { IdleTimeout = TimeSpan.FromMinutes(10), AbsoluteLifetime = TimeSpan.FromMinutes(20) },
            },
            store, timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        var tokens = await manager.StartSessionAsync("alice");
        time.SetUtcNow(TestClock.Start + TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59));
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeFalse("the first access token lived 5 minutes");
        tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
        time.SetUtcNow(TestClock.Start + TimeSpan.FromMinutes(18));
        tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
        time.SetUtcNow(TestClock.Start + TimeSpan.FromMinutes(20) - TimeSpan.FromSeconds(31));
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();
        time.SetUtcNow(TestClock.Start + TimeSpan.FromMinutes(20) + TimeSpan.FromSeconds(5));

        // The store has swept the session: logout and "log out everywhere" find nothing, so the token must be dead already.
        var revoked = await manager.RevokeAllAsync("alice");
        var loggedOut = await manager.RevokeAsync(tokens.SessionId);

        revoked.Should().Be(0);
        loggedOut.Should().BeFalse();
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Expired);
    }
}
