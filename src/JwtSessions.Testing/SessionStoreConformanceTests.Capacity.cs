using System.Collections.Concurrent;
using JwtSessions.Sessions;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <content>
/// Capacity: the per-subject cap enforced in the same atomic step as the sign-in, and tombstones (revoked sessions) that are
/// bounded apart from live sessions.
/// </content>
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>
    /// Creates an empty store for one test whose tombstones are bounded by <paramref name="maxTombstones"/> (and kept for at
    /// least an hour otherwise), or returns <see langword="null"/> when the store has no such bound; the tombstone tests are then
    /// reported as ignored.
    /// </summary>
    /// <param name="timeProvider">The test's clock.</param>
    /// <param name="maxTombstones">The most tombstones the store keeps.</param>
    /// <returns>The store, or <see langword="null"/>. It is disposed after the test.</returns>
    protected virtual ValueTask<ISessionStore?> CreateStoreWithTombstoneBoundAsync(TimeProvider timeProvider, int maxTombstones)
        => ValueTask.FromResult<ISessionStore?>(null);

    /// <summary>Below the cap, a sign-in stores the session and revokes nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWithCap_BelowTheCap_StoresAndRevokesNothing()
    {
        var store = await NewStoreAsync();
        var first = NewSession("alice");
        await store.CreateWithCapAsync(first, 2);
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = NewSession("alice");

        var revoked = await store.CreateWithCapAsync(second, 2);

        Assert.That(revoked, Is.Empty);
        AssertSameRecord(await store.GetAsync(second.SessionId), second);
        Assert.That(await ListIdsAsync(store, "alice"), Is.EqualTo(new[] { first.SessionId, second.SessionId }));
    }

    /// <summary>
    /// At the cap, the sign-in revokes the subject's oldest session at its own creation time with
    /// <see cref="SessionEndReason.SessionLimit"/>, publishes it, and reports it; the oldest's refresh then reads revoked.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWithCap_AtTheCap_RevokesTheOldestAndPublishesIt()
    {
        var store = await NewStoreAsync();
        var received = new ConcurrentQueue<SessionRevocation>();
        using var subscription = store.SubscribeToRevocations(received.Enqueue);
        var held = new List<SessionRecord>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(NewSession("alice"));
            await store.CreateWithCapAsync(held[^1], 3);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var newest = NewSession("alice");
        var revoked = await store.CreateWithCapAsync(newest, 3);

        var expected = new SessionRevocation(held[0].SessionId, "alice", newest.CreatedAt, SessionEndReason.SessionLimit);
        Assert.That(revoked, Is.EqualTo(new[] { expected }));
        Assert.That(await ListIdsAsync(store, "alice"), Is.EqualTo(new[] { held[1].SessionId, held[2].SessionId, newest.SessionId }));
        var rotation = await store.TryRotateAsync(held[0].SessionId, 0, Time.GetUtcNow(), s_idle);
        Assert.That(rotation.Status, Is.EqualTo(RotationStatus.Revoked));
        Assert.That(await EventuallyAsync(() => received.Contains(expected)), Is.True, "the cap's revocation was not published");
    }

    /// <summary>A cap lower than what the subject holds revokes every excess session, oldest first, in the one step.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWithCap_SubjectHoldsMoreThanTheCap_RevokesEveryExcessOldestFirst()
    {
        var store = await NewStoreAsync();
        var held = new List<SessionRecord>();
        for (var i = 0; i < 5; i++)
        {
            held.Add(NewSession("alice"));
            await store.CreateAsync(held[^1]);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var newest = NewSession("alice");
        var revoked = await store.CreateWithCapAsync(newest, 2);

        Assert.That(revoked.Select(r => r.SessionId), Is.EqualTo(held.Take(4).Select(s => s.SessionId)));
        Assert.That(await ListIdsAsync(store, "alice"), Is.EqualTo(new[] { held[4].SessionId, newest.SessionId }));
    }

    /// <summary>Revoked sessions and other subjects' sessions do not count against a subject's cap.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWithCap_RevokedSessionsAndOtherSubjects_DoNotCount()
    {
        var store = await NewStoreAsync();
        var loggedOut = NewSession("alice");
        var kept = NewSession("alice");
        await store.CreateWithCapAsync(loggedOut, 2);
        await store.CreateWithCapAsync(kept, 2);
        for (var i = 0; i < 3; i++)
        {
            await store.CreateWithCapAsync(NewSession("bob"), 2);
        }

        await store.RevokeAsync(loggedOut.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);
        Time.Advance(TimeSpan.FromSeconds(1));
        var newest = NewSession("alice");

        var revoked = await store.CreateWithCapAsync(newest, 2);

        Assert.That(revoked, Is.Empty);
        Assert.That(await ListIdsAsync(store, "alice"), Is.EqualTo(new[] { kept.SessionId, newest.SessionId }));
        Assert.That(await store.ListAsync("bob", Time.GetUtcNow()), Has.Count.EqualTo(2));
    }

    /// <summary>A duplicate id throws and revokes nothing, even at the cap.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWithCap_DuplicateIdAtTheCap_ThrowsAndRevokesNothing()
    {
        var store = await NewStoreAsync();
        var first = NewSession("alice");
        await store.CreateWithCapAsync(first, 1);

        await Assert.ThatAsync(() => store.CreateWithCapAsync(first with { CreatedAt = first.CreatedAt + TimeSpan.FromSeconds(1) }, 1).AsTask(), Throws.InvalidOperationException);

        AssertSameRecord(await store.GetAsync(first.SessionId), first);
    }

    /// <summary>
    /// Many threads signing one subject in at once, at the cap: the subject ends with exactly the cap, every other session
    /// revoked exactly once (reported by the one sign-in that revoked it). Repeated on fresh subjects.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWithCap_ConcurrentSignInsOfOneSubject_NeverExceedTheCap()
    {
        var store = await NewStoreAsync();
        await AssertCapHoldsUnderConcurrencyAsync(store, store);
    }

    /// <summary>The same race split across two instances sharing state: the cap still holds.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task CreateWithCap_ConcurrentSignInsAcrossPeers_NeverExceedTheCap()
    {
        var store = await NewStoreAsync();
        var peer = await NewPeerStoreAsync(store);
        await AssertCapHoldsUnderConcurrencyAsync(store, peer);
    }

    /// <summary>
    /// Tombstones beyond the store's bound go oldest first, and never a live session: the newest revoked sessions still read
    /// revoked, the oldest read unknown, and every live session is intact and rotates.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_BeyondTheTombstoneBound_DropsTheOldestTombstonesNeverALiveSession()
    {
        var store = await CreateStoreWithTombstoneBoundAsync(Time, 3).ConfigureAwait(false);
        if (store is null)
        {
            Assert.Ignore("The store does not bound its tombstones by count.");
        }

        _stores.Add(store!);
        var live = new List<SessionRecord>();
        var revoked = new List<SessionRecord>();
        for (var i = 0; i < 6; i++)
        {
            live.Add(NewSession("alice"));
            revoked.Add(NewSession("alice"));
            await store!.CreateAsync(live[^1]);
            await store.CreateAsync(revoked[^1]);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        foreach (var session in revoked)
        {
            await store!.RevokeAsync(session.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        for (var i = 0; i < revoked.Count; i++)
        {
            var tombstone = await store!.GetAsync(revoked[i].SessionId);
            if (i < 3)
            {
                Assert.That(tombstone, Is.Null, $"tombstone {i} should have been dropped (oldest first)");
            }
            else
            {
                Assert.That(tombstone?.RevokedAt, Is.Not.Null, $"tombstone {i} should still read revoked");
            }
        }

        foreach (var session in live)
        {
            var rotated = await store!.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), s_idle);
            Assert.That(rotated.Status, Is.EqualTo(RotationStatus.Rotated), "a live session was dropped to make room for tombstones");
        }
    }

    /// <summary>A revoked session keeps reading revoked while its tombstone lives, and the revoking call returns the full record.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Revoke_SessionWithMetadata_ReturnsItAndTheTombstoneReadsRevoked()
    {
        var store = await NewStoreAsync();
        var session = NewSession() with
        {
            Scope = "read",
            ClientId = "client-1",
            Metadata = new SessionMetadata { DeviceName = "Laptop", UserAgent = "Mozilla/5.0 (test)", IpAddress = "192.0.2.7" },
        };
        await store.CreateAsync(session);
        var now = Time.GetUtcNow();

        var revoked = await store.RevokeAsync(session.SessionId, now, SessionEndReason.Logout);
        Time.Advance(TimeSpan.FromMinutes(1));

        AssertSameRecord(revoked, session with { RevokedAt = now, RevocationReason = SessionEndReason.Logout });
        var tombstone = await store.GetAsync(session.SessionId);
        Assert.That(tombstone?.RevokedAt, Is.EqualTo(now));
        Assert.That(tombstone!.RevocationReason, Is.EqualTo(SessionEndReason.Logout));
        Assert.That((await store.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), s_idle)).Status, Is.EqualTo(RotationStatus.Revoked));
    }

    private async Task AssertCapHoldsUnderConcurrencyAsync(ISessionStore first, ISessionStore second)
    {
        const int Cap = 3;
        using var gang = new ThreadGang(Math.Max(2, ConcurrentCallers));
        var repetitions = Math.Max(1, ConcurrencyRepetitions / 5);
        for (var repetition = 0; repetition < repetitions; repetition++)
        {
            var subject = "subject-" + repetition;
            var held = new List<SessionRecord>();
            for (var i = 0; i < Cap; i++)
            {
                held.Add(NewSession(subject));
                await first.CreateWithCapAsync(held[^1], Cap).ConfigureAwait(false);
            }

            Time.Advance(TimeSpan.FromSeconds(1));
            var racing = Enumerable.Range(0, gang.Size).Select(_ => NewSession(subject)).ToArray();

            var reports = gang.Run(i => (i % 2 == 0 ? first : second).CreateWithCapAsync(racing[i], Cap).AsTask().GetAwaiter().GetResult());

            var active = await ListIdsAsync(second, subject).ConfigureAwait(false);
            var revokedIds = reports.SelectMany(r => r).Select(r => r.SessionId).ToList();
            Assert.That(active, Has.Count.EqualTo(Cap), $"repetition {repetition}: the subject must end with exactly the cap");
            Assert.That(revokedIds, Is.Unique, "a session was reported revoked twice");
            Assert.That(revokedIds, Has.Count.EqualTo(gang.Size), "every session beyond the cap is revoked, by one sign-in");
            Assert.That(held.Select(s => s.SessionId), Is.SubsetOf(revokedIds), "the sessions held before the race are the oldest");
            Assert.That(active.Concat(revokedIds), Is.EquivalentTo(held.Concat(racing).Select(s => s.SessionId)));
        }
    }

    private async Task<List<string>> ListIdsAsync(ISessionStore store, string subject)
        => [.. (await store.ListAsync(subject, Time.GetUtcNow()).ConfigureAwait(false)).Select(s => s.SessionId)];
}
