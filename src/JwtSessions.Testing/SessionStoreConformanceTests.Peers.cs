using System.Collections.Concurrent;
using JwtSessions.Sessions;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <content>Peers: instances sharing state, as several servers would. Ignored when <see cref="CreatePeerStoreAsync"/> returns none.</content>
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>A session created, rotated and revoked through one instance is seen through the other.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Peer_WritesThroughOneInstance_AreSeenThroughTheOther()
    {
        var store = await NewStoreAsync();
        var peer = await NewPeerStoreAsync(store);
        var session = NewSession("alice");

        await store.CreateAsync(session);
        AssertSameRecord(await peer.GetAsync(session.SessionId), session);
        var rotated = await peer.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), s_idle);
        AssertSameRecord(await store.GetAsync(session.SessionId), rotated.Session!);
        Assert.That((await peer.ListAsync("alice", Time.GetUtcNow())).Select(s => s.SessionId), Is.EqualTo(new[] { session.SessionId }));
        await store.RevokeAsync(session.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);

        var seen = await peer.TryRotateAsync(session.SessionId, 1, Time.GetUtcNow(), s_idle);
        Assert.That(seen.Status, Is.EqualTo(RotationStatus.Revoked));
        await Assert.ThatAsync(() => peer.CreateAsync(session).AsTask(), Throws.InvalidOperationException);
    }

    /// <summary>A revocation through one instance reaches the subscribers of the other exactly once (waiting with a bounded timeout).</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Peer_RevokeThroughOneInstance_PublishedToSubscribersOfTheOther()
    {
        var store = await NewStoreAsync();
        var peer = await NewPeerStoreAsync(store);
        var session = NewSession("alice");
        await store.CreateAsync(session);
        var onPeer = new ConcurrentQueue<SessionRevocation>();
        var onStore = new ConcurrentQueue<SessionRevocation>();
        using var peerSubscription = peer.SubscribeToRevocations(onPeer.Enqueue);
        using var storeSubscription = store.SubscribeToRevocations(onStore.Enqueue);
        var now = Time.GetUtcNow();

        await store.RevokeAsync(session.SessionId, now, SessionEndReason.LogoutEverywhere);

        Assert.That(await EventuallyAsync(() => !onPeer.IsEmpty && !onStore.IsEmpty), Is.True, "the revocation did not reach every subscriber in time");
        await WaitForRevocationDeliveryAsync(store);
        var expected = new SessionRevocation(session.SessionId, "alice", now, SessionEndReason.LogoutEverywhere);
        Assert.That(onPeer, Is.EqualTo(new[] { expected }));
        Assert.That(onStore, Is.EqualTo(new[] { expected }));
    }
}
