using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Re-authentication at the per-subject cap must not evict an innocent session, as it would if the new session were started
/// (and the cap enforced) while the session it replaces still counted as active: the replaced session is revoked first.
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public async Task Reauthenticate_AtCap_KeepsTheSubjectsOtherSessions()
    {
        var time = TestClock.Create();
        using var manager = new SessionManager(new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(TestKeys.Hs256),
            Policy = SessionPolicy.Default with { MaxSessionsPerSubject = 2 },
        }, timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        var phone = await manager.StartSessionAsync("alice");
        time.Advance(TimeSpan.FromMinutes(1));
        var laptop = await manager.StartSessionAsync("alice");
        time.Advance(TimeSpan.FromMinutes(1));

        var elevated = await manager.ReauthenticateAsync("alice", laptop.SessionId);

        (await manager.ListSessionsAsync("alice")).Select(s => s.SessionId).Should().Equal(phone.SessionId, elevated.SessionId);
        manager.ValidateAccessToken(phone.AccessToken).IsValid.Should().BeTrue();
        manager.ValidateAccessToken(laptop.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
    }
}
