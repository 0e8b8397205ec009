using JwtSessions.Sessions;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <content>Concurrency: the compare-and-advance is atomic under real threads, on one instance and across peers.</content>
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>
    /// Many threads rotating the same generation at once: exactly one rotates, every other one sees a mismatch with the
    /// advanced record, and the session ends exactly one generation on. Repeated on fresh sessions.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_ConcurrentSameGeneration_ExactlyOneRotates()
    {
        var store = await NewStoreAsync();
        await AssertExactlyOneRotationAsync(store, store);
    }

    /// <summary>The same race split across two instances sharing state: still exactly one rotation in total.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_ConcurrentSameGenerationAcrossPeers_ExactlyOneRotates()
    {
        var store = await NewStoreAsync();
        var peer = await NewPeerStoreAsync(store);
        await AssertExactlyOneRotationAsync(store, peer);
    }

    /// <summary>Threads racing a rotation against a revocation: the session ends revoked, and no rotation lands after the revocation.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_ConcurrentWithRevoke_RevocationIsNeverLost()
    {
        var store = await NewStoreAsync();
        using var gang = new ThreadGang(Math.Max(2, ConcurrentCallers));
        for (var repetition = 0; repetition < ConcurrencyRepetitions; repetition++)
        {
            var session = NewSession();
            await store.CreateAsync(session);
            var now = Time.GetUtcNow();

            var outcomes = gang.Run(i => i % 2 == 0
                ? (RotationStatus?)store.TryRotateAsync(session.SessionId, 0, now, s_idle).AsTask().GetAwaiter().GetResult().Status
                : store.RevokeAsync(session.SessionId, now, SessionEndReason.Logout).AsTask().GetAwaiter().GetResult() is null ? RotationStatus.NotFound : null);

            var stored = await store.GetAsync(session.SessionId);
            Assert.That(outcomes, Has.None.EqualTo(RotationStatus.NotFound), "a revocation did not find the session");
            Assert.That(stored!.RevokedAt, Is.EqualTo(now), "the revocation was lost");
            Assert.That(outcomes.Count(o => o == RotationStatus.Rotated), Is.LessThanOrEqualTo(1));
            Assert.That(stored.Generation, Is.EqualTo(outcomes.Count(o => o == RotationStatus.Rotated)), "a rotation was lost or doubled");
        }
    }

    private async Task AssertExactlyOneRotationAsync(ISessionStore first, ISessionStore second)
    {
        using var gang = new ThreadGang(Math.Max(2, ConcurrentCallers));
        for (var repetition = 0; repetition < ConcurrencyRepetitions; repetition++)
        {
            var session = NewSession();
            await first.CreateAsync(session).ConfigureAwait(false);
            Time.Advance(TimeSpan.FromSeconds(1));
            var now = Time.GetUtcNow();

            var outcomes = gang.Run(i => (i % 2 == 0 ? first : second)
                .TryRotateAsync(session.SessionId, 0, now, s_idle).AsTask().GetAwaiter().GetResult());

            var rotated = outcomes.Where(o => o.Status == RotationStatus.Rotated).ToList();
            Assert.That(rotated, Has.Count.EqualTo(1), $"repetition {repetition}: exactly one caller may rotate");
            Assert.That(
                outcomes.Where(o => o.Status != RotationStatus.Rotated).Select(o => o.Status),
                Has.All.EqualTo(RotationStatus.GenerationMismatch),
                $"repetition {repetition}: every other caller sees a mismatch");
            Assert.That(outcomes.Select(o => o.Session!.Generation), Has.All.EqualTo(1L), "every caller sees the one advanced record");
            var stored = await second.GetAsync(session.SessionId).ConfigureAwait(false);
            Assert.That(stored!.Generation, Is.EqualTo(1), "the session advanced exactly one generation");
            Assert.That(stored.RotatedAt, Is.EqualTo(now));
        }
    }
}
