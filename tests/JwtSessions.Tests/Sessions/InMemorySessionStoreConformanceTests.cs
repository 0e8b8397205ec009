using JwtSessions.Sessions;
using JwtSessions.Testing;

namespace JwtSessions.Tests.Sessions;

[TestFixture]
public sealed class InMemorySessionStoreConformanceTests : SessionStoreConformanceTests
{
    protected override ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore>(new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = timeProvider }));

    protected override ValueTask<ISessionStore?> CreateStoreWithTombstoneBoundAsync(TimeProvider timeProvider, int maxTombstones)
        => ValueTask.FromResult<ISessionStore?>(
            new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = timeProvider, MaxTombstones = maxTombstones }));

    // The in-memory store is shared in one process by handing the same instance to every manager: that instance is its own
    // peer. (PeerSessionStoreConformanceTests runs the peer tests on separate views with an asynchronous feed.)
    protected override ValueTask<ISessionStore?> CreatePeerStoreAsync(ISessionStore first, TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore?>(first);
}
