using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Issue 20, sessions the manager itself rejects: a 6,000-character subject gave an access token the validator refused as
/// too large, yet the session was stored; a 9,000-character client id gave a session whose refresh rotated forever while its
/// access token never validated. Fixed by checking both tokens against their validators' size limits before any store call.
/// </content>
public sealed partial class IssueTests
{
    [TestCase(6_000, 0, 0, TestName = "StartSession_SubjectMakingAnOversizedToken_ThrowsBeforeAnyStoreCall")]
    [TestCase(10, 9_000, 0, TestName = "StartSession_ClientIdMakingAnOversizedToken_ThrowsBeforeAnyStoreCall")]
    [TestCase(10, 0, 800, TestName = "StartSession_ScopesMakingAnOversizedToken_ThrowsBeforeAnyStoreCall")]
    public async Task StartSession_InputMakingAnOversizedToken_ThrowsBeforeAnyStoreCall(int subjectLength, int clientIdLength, int scopeCount)
    {
        var time = TestClock.Create();
        using var store = new TestSessionStore(time);
        using var manager = SizeManager(time, store);
        var options = new SessionStartOptions { ClientId = clientIdLength > 0 ? new string('c', clientIdLength) : null };
        for (var i = 0; i < scopeCount; i++)
        {
            options.Scopes.Add("scope" + i);
        }

        var start = () => manager.StartSessionAsync(new string('s', subjectLength), options).AsTask();

        (await start.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("its validator accepts");
        store.Calls.Should().Be(0);
    }

    [Test]
    public async Task StartSession_LargestAcceptedSubject_TokensValidateAndRefresh()
    {
        var time = TestClock.Create();
        using var store = new TestSessionStore(time);
        using var manager = SizeManager(time, store);

        // Search the longest subject sign-in accepts: its tokens must be ones the validators accept (symmetry).
        var (accepted, refused) = (1, 20_000);
        while (refused - accepted > 1)
        {
            var middle = (accepted + refused) / 2;
            try
            {
                await manager.StartSessionAsync(new string('s', middle));
                accepted = middle;
            }
            catch (ArgumentException)
            {
                refused = middle;
            }
        }

        var tokens = await manager.StartSessionAsync(new string('s', accepted));

        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue("a {0}-character subject was accepted", accepted);
        time.Advance(TimeSpan.FromMinutes(1));
        var refreshed = await manager.RefreshAsync(tokens.RefreshToken);
        refreshed.Status.Should().Be(RefreshStatus.Rotated);
        manager.ValidateAccessToken(refreshed.Tokens!.AccessToken).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task Reauthenticate_WithAnOversizedClientId_ThrowsAndKeepsThePreviousSession()
    {
        var time = TestClock.Create();
        using var store = new TestSessionStore(time);
        using var manager = SizeManager(time, store);
        var previous = await manager.StartSessionAsync("alice");

        var reauthenticate = () => manager.ReauthenticateAsync("alice", previous.SessionId, new SessionStartOptions { ClientId = new string('c', 9_000) }).AsTask();

        await reauthenticate.Should().ThrowAsync<ArgumentException>();
        manager.ValidateAccessToken(previous.AccessToken).IsValid.Should().BeTrue();
        (await manager.ListSessionsAsync("alice")).Select(s => s.SessionId).Should().Equal(previous.SessionId);
    }

    private static SessionManager SizeManager(TimeProvider time, ISessionStore store) => new(
        new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(TestKeys.Hs256),
        },
        store, timeProvider: time);
}
