using JwtSessions.Sessions;
using JwtSessions.Testing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Issue 20, the per-subject cap was enforced per sign-in (list, revoke, then create), so concurrent sign-ins of one subject
/// passed it by the number in flight. Fixed by the store's create-with-cap, one atomic step.
/// </content>
/// <remarks>Without the fix, 16 threads at cap 3 left more than 3 sessions in most rounds on a 2-core machine.</remarks>
public sealed partial class IssueTests
{
    [Test]
    public async Task StartSession_ConcurrentSignInsOfOneSubject_NeverPassTheCap()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var manager = FloodManager(time, store, SessionPolicy.Default with { MaxSessionsPerSubject = 3 });
        using var gang = new ThreadGang(16);
        for (var round = 0; round < 20; round++)
        {
            var subject = "alice-" + round;

            gang.Run(_ => manager.StartSessionAsync(subject).AsTask().GetAwaiter().GetResult());

            (await manager.ListSessionsAsync(subject)).Should().HaveCount(3, "round {0}", round);
        }
    }
}
