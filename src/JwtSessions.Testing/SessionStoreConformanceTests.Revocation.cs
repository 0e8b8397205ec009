using System.Collections.Concurrent;
using JwtSessions.Sessions;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <content>Revocation: the first revocation wins, and each one reaches every subscriber exactly once.</content>
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>Revoking an active session records when and why, and returns the revoked record.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_ActiveSession_ReturnsRevokedRecord()
    {
        var store = await NewStoreAsync();
        var session = NewSession();
        await store.CreateAsync(session);
        Time.Advance(TimeSpan.FromMinutes(3));
        var now = Time.GetUtcNow();

        var revoked = await store.RevokeAsync(session.SessionId, now, SessionEndReason.Logout);

        var expected = session with { RevokedAt = now, RevocationReason = SessionEndReason.Logout };
        AssertSameRecord(revoked, expected);
        AssertSameRecord(await store.GetAsync(session.SessionId), expected);
    }

    /// <summary>Revoking again keeps the first time and reason.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_Twice_KeepsTheFirstRevocation()
    {
        var store = await NewStoreAsync();
        var session = NewSession();
        await store.CreateAsync(session);
        var first = Time.GetUtcNow();
        await store.RevokeAsync(session.SessionId, first, SessionEndReason.Logout);
        Time.Advance(TimeSpan.FromMinutes(1));

        var again = await store.RevokeAsync(session.SessionId, Time.GetUtcNow(), SessionEndReason.Administrative);

        var expected = session with { RevokedAt = first, RevocationReason = SessionEndReason.Logout };
        AssertSameRecord(again, expected);
        AssertSameRecord(await store.GetAsync(session.SessionId), expected);
    }

    /// <summary>Revoking an unknown session returns <see langword="null"/>, creates nothing and publishes nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_UnknownSession_ReturnsNullAndPublishesNothing()
    {
        var store = await NewStoreAsync();
        var received = new ConcurrentQueue<SessionRevocation>();
        using var subscription = store.SubscribeToRevocations(received.Enqueue);

        var revoked = await store.RevokeAsync("never-created", Time.GetUtcNow(), SessionEndReason.Logout);
        await WaitForRevocationDeliveryAsync(store);

        Assert.That(revoked, Is.Null);
        Assert.That(await store.GetAsync("never-created"), Is.Null);
        Assert.That(received, Is.Empty);
    }

    /// <summary>A revocation reaches every subscriber exactly once, with its session, subject, time and reason; revoking again publishes nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_WithSubscribers_PublishesExactlyOnceToEach()
    {
        var store = await NewStoreAsync();
        var session = NewSession("alice");
        await store.CreateAsync(session);
        var first = new ConcurrentQueue<SessionRevocation>();
        var second = new ConcurrentQueue<SessionRevocation>();
        using var firstSubscription = store.SubscribeToRevocations(first.Enqueue);
        using var secondSubscription = store.SubscribeToRevocations(second.Enqueue);
        var now = Time.GetUtcNow();

        await store.RevokeAsync(session.SessionId, now, SessionEndReason.RefreshTokenReuse);
        Assert.That(await EventuallyAsync(() => !first.IsEmpty && !second.IsEmpty), Is.True, "the revocation was not delivered in time");
        Time.Advance(TimeSpan.FromMinutes(1));
        await store.RevokeAsync(session.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);
        await WaitForRevocationDeliveryAsync(store);

        var expected = new SessionRevocation(session.SessionId, "alice", now, SessionEndReason.RefreshTokenReuse);
        Assert.That(first, Is.EqualTo(new[] { expected }));
        Assert.That(second, Is.EqualTo(new[] { expected }));
    }

    /// <summary>A disposed subscription receives nothing more, while the others still do.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_AfterSubscriptionDisposed_PublishesNothingToIt()
    {
        var store = await NewStoreAsync();
        var session = NewSession();
        await store.CreateAsync(session);
        var disposed = new ConcurrentQueue<SessionRevocation>();
        var kept = new ConcurrentQueue<SessionRevocation>();
        store.SubscribeToRevocations(disposed.Enqueue).Dispose();
        using var keptSubscription = store.SubscribeToRevocations(kept.Enqueue);

        await store.RevokeAsync(session.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);
        Assert.That(await EventuallyAsync(() => !kept.IsEmpty), Is.True, "the revocation was not delivered in time");
        await WaitForRevocationDeliveryAsync(store);

        Assert.That(disposed, Is.Empty);
        Assert.That(kept, Has.Count.EqualTo(1));
    }

    /// <summary>Revoking one session leaves the subject's other sessions active.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_OneSession_LeavesOtherSessionsActive()
    {
        var store = await NewStoreAsync();
        var revoked = NewSession("alice");
        var other = NewSession("alice");
        await store.CreateAsync(revoked);
        await store.CreateAsync(other);

        await store.RevokeAsync(revoked.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);

        AssertSameRecord(await store.GetAsync(other.SessionId), other);
        var rotated = await store.TryRotateAsync(other.SessionId, 0, Time.GetUtcNow(), s_idle);
        Assert.That(rotated.Status, Is.EqualTo(RotationStatus.Rotated));
    }
}
