using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <summary>
/// The contract of <see cref="ISessionStore"/>: derive a fixture from this class, create your store in
/// <see cref="CreateStoreAsync"/>, and every store (in-memory, Redis, yours) runs the same tests.
/// </summary>
/// <remarks>Time is a <see cref="FakeTimeProvider"/>; stores must take "now" from the arguments and the provider given.</remarks>
/// <threadsafety>NUnit runs one test at a time per fixture instance; stores are created per test.</threadsafety>
public abstract class SessionStoreConformanceTests
{
    /// <summary>The fixed start of every test's clock.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the clock of the current test.</summary>
    protected FakeTimeProvider Time { get; private set; } = new(Start);

    /// <summary>Creates an empty store for one test, using <paramref name="timeProvider"/> as its clock.</summary>
    /// <param name="timeProvider">The test's clock.</param>
    /// <returns>The store.</returns>
    protected abstract ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider);

    /// <summary>Creates a second store instance sharing the first one's state, as another server would have, or null if the store is per-process.</summary>
    /// <param name="first">The store the test created first.</param>
    /// <param name="timeProvider">The test's clock.</param>
    /// <returns>A store sharing state with <paramref name="first"/>, or <see langword="null"/>.</returns>
    protected virtual ValueTask<ISessionStore?> CreatePeerStoreAsync(ISessionStore first, TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore?>(null);

    /// <summary>Resets the clock before each test.</summary>
    [SetUp]
    public void ResetClock() => Time = new FakeTimeProvider(Start);

    /// <summary>A new record with sensible defaults.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="idle">The idle timeout; 1 hour by default.</param>
    /// <param name="absolute">The absolute lifetime; 1 day by default.</param>
    /// <returns>The record.</returns>
    protected SessionRecord NewSession(string subject = "alice", TimeSpan? idle = null, TimeSpan? absolute = null)
    {
        var now = Time.GetUtcNow();
        return new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = subject,
            CreatedAt = now,
            AbsoluteExpiresAt = now + (absolute ?? TimeSpan.FromDays(1)),
            IdleExpiresAt = now + (idle ?? TimeSpan.FromHours(1)),
            RotatedAt = now,
        };
    }

    /// <summary>A created session can be read back unchanged.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Create_ThenGet_ReturnsTheSameRecord()
    {
        var store = await CreateStoreAsync(Time);
        var session = NewSession();

        await store.CreateAsync(session);

        Assert.That(await store.GetAsync(session.SessionId), Is.EqualTo(session));
    }
}
