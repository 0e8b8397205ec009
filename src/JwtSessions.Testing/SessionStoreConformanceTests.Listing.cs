using JwtSessions.Sessions;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <content>Listing a subject's active sessions.</content>
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>Only the subject's active sessions are listed, oldest first: not revoked ones, not expired ones, not other subjects'.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task List_MixedSessions_ReturnsOnlyActiveSessionsOfSubjectOldestFirst()
    {
        var store = await NewStoreAsync();
        var oldest = NewSession("alice");
        await store.CreateAsync(oldest);
        Time.Advance(TimeSpan.FromMinutes(1));
        var bobs = NewSession("bob");
        await store.CreateAsync(bobs);
        var revoked = NewSession("alice");
        await store.CreateAsync(revoked);
        await store.RevokeAsync(revoked.SessionId, Time.GetUtcNow(), SessionEndReason.Logout);
        var expired = NewSession("alice", idle: TimeSpan.FromMinutes(5));
        await store.CreateAsync(expired);
        Time.Advance(TimeSpan.FromMinutes(1));
        var newest = NewSession("alice");
        await store.CreateAsync(newest);
        var rotated = (await store.TryRotateAsync(oldest.SessionId, 0, Time.GetUtcNow(), s_idle)).Session!;
        Time.Advance(TimeSpan.FromMinutes(4));

        var listed = await store.ListAsync("alice", Time.GetUtcNow());

        Assert.That(listed.Select(s => s.SessionId), Is.EqualTo(new[] { oldest.SessionId, newest.SessionId }));
        AssertSameRecord(listed[0], rotated);
        AssertSameRecord(listed[1], newest);
        Assert.That((await store.ListAsync("bob", Time.GetUtcNow())).Select(s => s.SessionId), Is.EqualTo(new[] { bobs.SessionId }));
    }

    /// <summary>A session is listed up to one resolution step before its deadline and not at it.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task List_AroundDeadline_ListsBeforeButNotAt()
    {
        var store = await NewStoreAsync();
        var session = NewSession("alice", idle: s_idle);
        await store.CreateAsync(session);

        var before = await store.ListAsync("alice", session.ExpiresAt - TimeResolution);
        var at = await store.ListAsync("alice", session.ExpiresAt);

        Assert.That(before, Has.Count.EqualTo(1));
        Assert.That(at, Is.Empty);
    }

    /// <summary>
    /// A session past its deadline for one caller (a listing, or a sign-in of the same subject, at the deadline) can still be
    /// rotated by another whose "now" was read just before it. It is live again, and must still be listed: "log out
    /// everywhere" and the per-subject cap find sessions only through the listing.
    /// </summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task List_JudgedAtTheDeadlineThenRotatedJustBefore_StaysListed()
    {
        var store = await NewStoreAsync();
        var session = NewSession("alice", idle: s_idle);
        await store.CreateAsync(session);
        var deadline = session.ExpiresAt;

        Assert.That(await store.ListAsync("alice", deadline), Is.Empty);
        Time.SetUtcNow(deadline);
        await store.CreateAsync(NewSession("alice"));
        var rotated = await store.TryRotateAsync(session.SessionId, 0, deadline - TimeResolution, s_idle);

        // A store may also have removed the record at its deadline by its own clock (the in-memory store's sweep does):
        // then nothing live is left unlisted either. What no store may do is rotate it and not list it.
        if (rotated.Status == RotationStatus.Rotated)
        {
            Assert.That((await store.ListAsync("alice", deadline)).Select(s => s.SessionId), Does.Contain(session.SessionId));
        }
        else
        {
            Assert.That(rotated.Status, Is.EqualTo(RotationStatus.NotFound));
        }
    }

    /// <summary>A subject with no session lists nothing.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task List_UnknownSubject_ReturnsEmpty()
    {
        var store = await NewStoreAsync();
        await store.CreateAsync(NewSession("alice"));

        Assert.That(await store.ListAsync("nobody", Time.GetUtcNow()), Is.Empty);
    }
}
