using JwtSessions.Sessions;
using JwtSessions.Tests.Architecture;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Issue 20, restarts: with the in-memory store a revoked access token validates again after a restart (until its exp), and
/// the documentation said only that refresh tokens die with the process. The behaviour is inherent to an in-process store;
/// the fix is the documentation, which this pins along with the behaviour it describes.
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public async Task Restart_WithTheInMemoryStore_ForgetsRevocationsAndTheDocsSaySo()
    {
        var time = TestClock.Create();
        SessionTokens tokens;
        using (var storeBefore = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time }))
        using (var before = FloodManager(time, storeBefore, SessionPolicy.Default))
        {
            tokens = await before.StartSessionAsync("alice");
            await before.RevokeAsync(tokens.SessionId);
            before.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        }

        // The "restarted" process: same access keys, a new in-memory store and revocation list.
        using var storeAfter = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var after = FloodManager(time, storeAfter, SessionPolicy.Default);
        after.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue("the revocation died with the process");

        var docs = File.ReadAllText(Path.Combine(PublicSurfaceTests.RepositoryRoot(), "docs", "sessions.md"));
        docs.Should().Contain("### Restarts").And.Contain("sessions, tombstones and revocations are lost");
    }
}
