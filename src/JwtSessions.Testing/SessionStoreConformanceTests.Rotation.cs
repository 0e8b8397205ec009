using JwtSessions.Sessions;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <content>Rotation: the atomic compare-and-advance, the idle and absolute deadlines, and what a rotation may not touch.</content>
public abstract partial class SessionStoreConformanceTests
{
    private static readonly TimeSpan s_idle = TimeSpan.FromHours(1);

    /// <summary>The current generation advances once: next generation, rotated now, idle deadline extended; nothing else changes.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_CurrentGeneration_AdvancesExactlyOnce()
    {
        var store = await NewStoreAsync();
        var session = NewSession(idle: s_idle, absolute: TimeSpan.FromDays(1));
        await store.CreateAsync(session);
        Time.Advance(TimeSpan.FromMinutes(20));
        var now = Time.GetUtcNow();

        var outcome = await store.TryRotateAsync(session.SessionId, 0, now, s_idle);
        var again = await store.TryRotateAsync(session.SessionId, 0, now, s_idle);

        var expected = session with { Generation = 1, RotatedAt = now, IdleExpiresAt = now + s_idle };
        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
        AssertSameRecord(outcome.Session, expected);
        Assert.That(again.Status, Is.EqualTo(RotationStatus.GenerationMismatch), "the same generation rotates only once");
        AssertSameRecord(again.Session, expected);
        AssertSameRecord(await store.GetAsync(session.SessionId), expected);
    }

    /// <summary>Successive rotations advance one generation each.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_Repeatedly_AdvancesOneGenerationEachTime()
    {
        var store = await NewStoreAsync();
        var session = NewSession(idle: s_idle, absolute: TimeSpan.FromDays(1));
        await store.CreateAsync(session);

        for (var generation = 0L; generation < 5; generation++)
        {
            Time.Advance(TimeSpan.FromMinutes(1));
            var outcome = await store.TryRotateAsync(session.SessionId, generation, Time.GetUtcNow(), s_idle);
            Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
            Assert.That(outcome.Session!.Generation, Is.EqualTo(generation + 1));
        }

        Assert.That((await store.GetAsync(session.SessionId))!.Generation, Is.EqualTo(5));
    }

    /// <summary>Near the absolute deadline a rotation extends the idle deadline only up to the absolute one, which never moves.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_NearAbsoluteDeadline_CapsIdleDeadlineAtAbsolute()
    {
        var store = await NewStoreAsync();
        var session = NewSession(idle: s_idle, absolute: TimeSpan.FromMinutes(90));
        await store.CreateAsync(session);
        Time.Advance(TimeSpan.FromMinutes(40));

        var outcome = await store.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
        Assert.That(outcome.Session!.AbsoluteExpiresAt, Is.EqualTo(session.AbsoluteExpiresAt), "rotation never extends the absolute deadline");
        Assert.That(outcome.Session.IdleExpiresAt, Is.EqualTo(session.AbsoluteExpiresAt));
        Assert.That(outcome.Session.ExpiresAt, Is.EqualTo(session.AbsoluteExpiresAt));
    }

    /// <summary>A generation other than the current one changes nothing and reports the current record.</summary>
    /// <param name="presented">The generation presented while the current one is 1.</param>
    /// <returns>A task.</returns>
    [TestCase(0L, Description = "the previous generation")]
    [TestCase(2L, Description = "a generation never issued")]
    [TestCase(-1L, Description = "a negative generation")]
    public async Task TryRotate_GenerationMismatch_ReturnsCurrentUnchanged(long presented)
    {
        var store = await NewStoreAsync();
        var session = NewSession();
        await store.CreateAsync(session);
        Time.Advance(TimeSpan.FromMinutes(1));
        var current = (await store.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), s_idle)).Session!;
        Time.Advance(TimeSpan.FromMinutes(1));

        var outcome = await store.TryRotateAsync(session.SessionId, presented, Time.GetUtcNow(), s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.GenerationMismatch));
        AssertSameRecord(outcome.Session, current);
        AssertSameRecord(await store.GetAsync(session.SessionId), current);
    }

    /// <summary>One resolution step before the idle deadline the session still rotates.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_JustBeforeIdleDeadline_Rotates()
    {
        var store = await NewStoreAsync();
        var session = NewSession(idle: s_idle);
        await store.CreateAsync(session);

        var outcome = await store.TryRotateAsync(session.SessionId, 0, session.IdleExpiresAt - TimeResolution, s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
    }

    /// <summary>At and after the idle deadline the session is expired and left unchanged.</summary>
    /// <param name="minutesPastDeadline">How far past the idle deadline.</param>
    /// <returns>A task.</returns>
    [TestCase(0, Description = "exactly at the deadline")]
    [TestCase(1, Description = "after the deadline")]
    public async Task TryRotate_AtOrAfterIdleDeadline_ReturnsExpiredUnchanged(int minutesPastDeadline)
    {
        var store = await NewStoreAsync();
        var session = NewSession(idle: s_idle);
        await store.CreateAsync(session);
        var now = session.IdleExpiresAt + TimeSpan.FromMinutes(minutesPastDeadline);

        var outcome = await store.TryRotateAsync(session.SessionId, 0, now, s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Expired));
        AssertUnchangedIfStillStored(await store.GetAsync(session.SessionId), session);
    }

    /// <summary>One resolution step before the absolute deadline the session still rotates, and the idle deadline stays capped.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_JustBeforeAbsoluteDeadline_Rotates()
    {
        var store = await NewStoreAsync();
        var session = await CreateSessionWithIdleDeadlineAtAbsoluteAsync(store);

        var outcome = await store.TryRotateAsync(session.SessionId, session.Generation, session.AbsoluteExpiresAt - TimeResolution, s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
        Assert.That(outcome.Session!.IdleExpiresAt, Is.EqualTo(session.AbsoluteExpiresAt));
    }

    /// <summary>At and after the absolute deadline the session is expired and left unchanged, whatever the idle deadline says.</summary>
    /// <param name="minutesPastDeadline">How far past the absolute deadline.</param>
    /// <returns>A task.</returns>
    [TestCase(0, Description = "exactly at the deadline")]
    [TestCase(1, Description = "after the deadline")]
    public async Task TryRotate_AtOrAfterAbsoluteDeadline_ReturnsExpiredUnchanged(int minutesPastDeadline)
    {
        var store = await NewStoreAsync();
        var session = await CreateSessionWithIdleDeadlineAtAbsoluteAsync(store);
        var now = session.AbsoluteExpiresAt + TimeSpan.FromMinutes(minutesPastDeadline);

        var outcome = await store.TryRotateAsync(session.SessionId, session.Generation, now, s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Expired));
        AssertUnchangedIfStillStored(await store.GetAsync(session.SessionId), session);
    }

    /// <summary>An expired session presented with a stale generation is expired, not a mismatch: callers must not treat it as a replay.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_ExpiredWithStaleGeneration_ReturnsExpired()
    {
        var store = await NewStoreAsync();
        var session = NewSession(idle: s_idle);
        await store.CreateAsync(session);
        var rotated = (await store.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), s_idle)).Session!;

        var outcome = await store.TryRotateAsync(session.SessionId, 0, rotated.IdleExpiresAt, s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Expired));
    }

    /// <summary>A revoked session reports Revoked, for the current generation and any other, and is left unchanged.</summary>
    /// <param name="presented">The generation presented; the current one is 0.</param>
    /// <returns>A task.</returns>
    [TestCase(0L, Description = "the current generation")]
    [TestCase(3L, Description = "a stale generation")]
    public async Task TryRotate_Revoked_ReturnsRevokedUnchanged(long presented)
    {
        var store = await NewStoreAsync();
        var session = NewSession();
        await store.CreateAsync(session);
        var revoked = await store.RevokeAsync(session.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);
        Time.Advance(TimeSpan.FromMinutes(1));

        var outcome = await store.TryRotateAsync(session.SessionId, presented, Time.GetUtcNow(), s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Revoked));
        AssertSameRecord(outcome.Session, revoked!);
        AssertSameRecord(await store.GetAsync(session.SessionId), revoked!);
    }

    /// <summary>An unknown session is not found, with no record, and the call creates nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_UnknownSession_ReturnsNotFound()
    {
        var store = await NewStoreAsync();

        var outcome = await store.TryRotateAsync("never-created", 0, Time.GetUtcNow(), s_idle);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.NotFound));
        Assert.That(outcome.Session, Is.Null);
        Assert.That(await store.GetAsync("never-created"), Is.Null);
    }

    /// <summary>A store may have dropped a record past its deadlines; if it still holds it, the record must be unchanged.</summary>
    private static void AssertUnchangedIfStillStored(SessionRecord? stored, SessionRecord expected)
    {
        if (stored is not null)
        {
            AssertSameRecord(stored, expected);
        }
    }

    /// <summary>A session (idle 1 h, absolute 2 h) rotated until its idle deadline is its absolute deadline; the clock is left unchanged.</summary>
    private async Task<SessionRecord> CreateSessionWithIdleDeadlineAtAbsoluteAsync(ISessionStore store)
    {
        var session = NewSession(idle: s_idle, absolute: TimeSpan.FromHours(2));
        await store.CreateAsync(session).ConfigureAwait(false);
        var first = await store.TryRotateAsync(session.SessionId, 0, Start + TimeSpan.FromMinutes(50), s_idle).ConfigureAwait(false);
        var second = await store.TryRotateAsync(session.SessionId, 1, Start + TimeSpan.FromMinutes(100), s_idle).ConfigureAwait(false);
        Assert.That(first.Status, Is.EqualTo(RotationStatus.Rotated));
        Assert.That(second.Status, Is.EqualTo(RotationStatus.Rotated));
        Assert.That(second.Session!.IdleExpiresAt, Is.EqualTo(session.AbsoluteExpiresAt), "the idle deadline should be capped at the absolute one");
        return second.Session;
    }
}
