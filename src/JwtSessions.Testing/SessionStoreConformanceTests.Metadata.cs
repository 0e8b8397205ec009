using JwtSessions.Sessions;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <content>Metadata recorded with a rotation (<see cref="ISessionStore.TryRotateAndRecordAsync"/>): last seen, and the accepted context.</content>
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>The metadata passed with an advancing rotation replaces the session's, in the same step.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotateAndRecord_CurrentGeneration_StoresTheMetadataWithTheAdvance()
    {
        var store = await NewStoreAsync();
        var session = NewSession() with { Metadata = new SessionMetadata { UserAgent = "Firefox/140.0", IpAddress = "192.0.2.7", DeviceName = "Laptop" } };
        await store.CreateAsync(session);
        Time.Advance(TimeSpan.FromMinutes(5));
        var now = Time.GetUtcNow();
        var seen = session.Metadata with { LastSeenAt = now, LastSeenIpAddress = "198.51.100.4", DeviceId = "device-9" };

        var outcome = await store.TryRotateAndRecordAsync(session.SessionId, 0, now, s_idle, seen);

        var expected = session with { Generation = 1, RotatedAt = now, IdleExpiresAt = now + s_idle, Metadata = seen };
        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
        AssertSameRecord(outcome.Session, expected);
        AssertSameRecord(await store.GetAsync(session.SessionId), expected);
    }

    /// <summary>A rotation that does not advance (a stale generation) leaves the metadata as it was.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotateAndRecord_StaleGeneration_LeavesTheMetadata()
    {
        var store = await NewStoreAsync();
        var session = NewSession() with { Metadata = new SessionMetadata { IpAddress = "192.0.2.7" } };
        await store.CreateAsync(session);
        var rotated = (await store.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), s_idle)).Session!;

        var outcome = await store.TryRotateAndRecordAsync(
            session.SessionId, 0, Time.GetUtcNow(), s_idle, new SessionMetadata { IpAddress = "203.0.113.66", LastSeenAt = Time.GetUtcNow() });

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.GenerationMismatch));
        AssertSameRecord(await store.GetAsync(session.SessionId), rotated);
    }

    /// <summary>Empty metadata passed with a rotation clears the session's.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotateAndRecord_EmptyMetadata_ClearsIt()
    {
        var store = await NewStoreAsync();
        var session = NewSession() with { Metadata = new SessionMetadata { DeviceName = "Phone" } };
        await store.CreateAsync(session);
        var now = Time.GetUtcNow();

        var outcome = await store.TryRotateAndRecordAsync(session.SessionId, 0, now, s_idle, SessionMetadata.Empty);

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
        AssertSameRecord(await store.GetAsync(session.SessionId), session with { Generation = 1, RotatedAt = now, IdleExpiresAt = now + s_idle, Metadata = SessionMetadata.Empty });
    }
}
