using JwtSessions.Sessions;
using JwtSessions.Testing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

/// <content>
/// Issue 20, the per-subject cap was enforced per sign-in (list, revoke, then create), so concurrent sign-ins of one subject
/// passed it by the number in flight. Fixed by the store's create-with-cap, one atomic step.
/// </content>
/// <remarks>
/// The store holds every listing until all racing sign-ins have listed, which makes the old race certain (16 sessions at a
/// cap of 3); a sign-in that does not list first is not held at all.
/// </remarks>
public sealed partial class IssueTests
{
    [Test]
    public async Task StartSession_ConcurrentSignInsOfOneSubject_NeverPassTheCap()
    {
        const int Racers = 16;
        var time = TestClock.Create();
        using var store = new ListBarrierStore(new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time }));
        using var manager = FloodManager(time, store, SessionPolicy.Default with { MaxSessionsPerSubject = 3 });
        using var gang = new ThreadGang(Racers);
        using var barrier = new Barrier(Racers);
        store.Barrier = barrier;

        gang.Run(_ => manager.StartSessionAsync("alice").AsTask().GetAwaiter().GetResult());

        store.Barrier = null;
        (await manager.ListSessionsAsync("alice")).Should().HaveCount(3);
    }
}
