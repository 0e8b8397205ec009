using JwtSessions.Sessions;
using JwtSessions.Testing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Sessions;

/// <summary>
/// The conformance suite with peers: two <see cref="PeerSessionStore"/> views of one in-memory store with an asynchronous
/// revocation feed, so the peer tests and the delivery-settling hook run in every build.
/// </summary>
[TestFixture]
public sealed class PeerSessionStoreConformanceTests : SessionStoreConformanceTests
{
    private readonly List<PeerSessionStore> _peers = [];

    [SetUp]
    public void ClearPeers() => _peers.Clear();

    protected override ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore>(Track(new PeerSessionStore(
            new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = timeProvider }), ownsShared: true)));

    protected override ValueTask<ISessionStore?> CreateStoreWithTombstoneBoundAsync(TimeProvider timeProvider, int maxTombstones)
        => ValueTask.FromResult<ISessionStore?>(Track(new PeerSessionStore(
            new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = timeProvider, MaxTombstones = maxTombstones }), ownsShared: true)));

    protected override ValueTask<ISessionStore?> CreatePeerStoreAsync(ISessionStore first, TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore?>(Track(new PeerSessionStore(((PeerSessionStore)first).Shared)));

    protected override async ValueTask WaitForRevocationDeliveryAsync(ISessionStore store)
    {
        // Every revocation was queued before RevokeAsync returned; wait until each view has delivered its queue.
        var started = TimeProvider.System.GetTimestamp();
        while (!_peers.TrueForAll(static p => p.IsIdle))
        {
            if (TimeProvider.System.GetElapsedTime(started) > RevocationPropagationTimeout)
            {
                Assert.Fail("Revocations were not delivered in time.");
            }

            await Task.Delay(1);
        }
    }

    private PeerSessionStore Track(PeerSessionStore store)
    {
        _peers.Add(store);
        return store;
    }
}
