using System.Diagnostics;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace JwtSessions.Testing;

/// <summary>
/// The contract of <see cref="ISessionStore"/>: derive a fixture from this class, create your store in
/// <see cref="CreateStoreAsync"/>, and every store (in-memory, Redis, yours) runs the same tests.
/// </summary>
/// <remarks>
/// <para>
/// Time is a <see cref="FakeTimeProvider"/> that starts at <see cref="Start"/> and only moves when a test advances it. Stores
/// must take "now" from the arguments of each call and the provider given to <see cref="CreateStoreAsync"/>, never from the
/// wall clock. A store that enforces deadlines with server-side expiry (for example Redis TTLs) must compute them as relative
/// durations from the "now" it was given (deadline minus now), since the fake clock is not the server's clock; no test here
/// waits for such an expiry.
/// </para>
/// <para>
/// Tests are split by aspect: records (this file), rotation, revocation, listing, concurrency and peers. Peer tests run only
/// when <see cref="CreatePeerStoreAsync"/> returns a second instance sharing the first one's state; otherwise they are
/// reported as ignored.
/// </para>
/// </remarks>
/// <threadsafety>NUnit runs one test at a time per fixture instance; stores are created per test and disposed after it.</threadsafety>
public abstract partial class SessionStoreConformanceTests
{
    /// <summary>The fixed start of every test's clock.</summary>
    protected static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private readonly List<ISessionStore> _stores = [];

    /// <summary>Gets the clock of the current test.</summary>
    protected FakeTimeProvider Time { get; private set; } = new(Start);

    /// <summary>Gets the number of threads that call the store at once in the concurrency tests.</summary>
    /// <value>32 by default; at least 2.</value>
    protected virtual int ConcurrentCallers => 32;

    /// <summary>Gets how many times each concurrency test repeats its race, each time on a new session.</summary>
    /// <value>50 by default.</value>
    protected virtual int ConcurrencyRepetitions => 50;

    /// <summary>
    /// Gets the smallest time step the store distinguishes in the deadlines it keeps. Boundary tests check one step before a
    /// deadline and exactly at it.
    /// </summary>
    /// <value>One tick by default; a store that keeps milliseconds returns <see cref="TimeSpan.FromMilliseconds(double)"/> of 1.</value>
    protected virtual TimeSpan TimeResolution => TimeSpan.FromTicks(1);

    /// <summary>
    /// Gets how long a revocation may take to reach the subscribers of a peer instance before the test fails. Tests poll with
    /// this bound; they never assert how fast delivery is.
    /// </summary>
    /// <value>10 seconds by default.</value>
    protected virtual TimeSpan RevocationPropagationTimeout => TimeSpan.FromSeconds(10);

    /// <summary>Creates an empty store for one test, using <paramref name="timeProvider"/> as its clock.</summary>
    /// <param name="timeProvider">The test's clock.</param>
    /// <returns>The store. If it implements <see cref="IAsyncDisposable"/> or <see cref="IDisposable"/> it is disposed after the test.</returns>
    protected abstract ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider);

    /// <summary>Creates a second store instance sharing the first one's state, as another server would have, or null if the store is per-process.</summary>
    /// <param name="first">The store the test created first.</param>
    /// <param name="timeProvider">The test's clock.</param>
    /// <returns>A store sharing state with <paramref name="first"/>, or <see langword="null"/>. It is disposed after the test like the first.</returns>
    protected virtual ValueTask<ISessionStore?> CreatePeerStoreAsync(ISessionStore first, TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore?>(null);

    /// <summary>
    /// Waits until every revocation that <paramref name="store"/> has already published was delivered to all subscribers, of
    /// this instance and of its peers, so that a test can then assert that no further callback arrives.
    /// </summary>
    /// <remarks>
    /// The default returns at once, which is right for a store that calls its subscribers before <see cref="ISessionStore.RevokeAsync"/>
    /// returns (the in-memory store). A store with an asynchronous feed overrides it, for example by publishing a marker and
    /// waiting for it; otherwise "exactly one callback" and "no callback after dispose" are checked before a late callback could arrive.
    /// </remarks>
    /// <param name="store">The store that revoked.</param>
    /// <returns>A task that completes once delivery has settled.</returns>
    protected virtual ValueTask WaitForRevocationDeliveryAsync(ISessionStore store) => ValueTask.CompletedTask;

    /// <summary>Resets the clock before each test.</summary>
    [SetUp]
    public void ResetClock() => Time = new FakeTimeProvider(Start);

    /// <summary>Disposes the stores the test created.</summary>
    /// <returns>A task.</returns>
    [TearDown]
    public async Task DisposeStoresAsync()
    {
        foreach (var store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        _stores.Clear();
    }

    /// <summary>A new record starting now, with a random 128-bit id.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="idle">The idle timeout; 1 hour by default.</param>
    /// <param name="absolute">The absolute lifetime; 1 day by default.</param>
    /// <returns>The record.</returns>
    protected SessionRecord NewSession(string subject = "alice", TimeSpan? idle = null, TimeSpan? absolute = null)
    {
        var now = Time.GetUtcNow();
        var absoluteDeadline = now + (absolute ?? TimeSpan.FromDays(1));
        var idleDeadline = now + (idle ?? TimeSpan.FromHours(1));
        return new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = subject,
            CreatedAt = now,
            AbsoluteExpiresAt = absoluteDeadline,
            IdleExpiresAt = idleDeadline < absoluteDeadline ? idleDeadline : absoluteDeadline,
            RotatedAt = now,
        };
    }

    /// <summary>A created session can be read back with every field intact, metadata included.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Create_ThenGet_ReturnsTheSameRecord()
    {
        var store = await NewStoreAsync();
        var session = NewSession() with
        {
            Scope = "read write",
            ClientId = "client-1",
            KeyThumbprint = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I",
            Metadata = new SessionMetadata
            {
                DeviceName = "Laptop",
                UserAgent = "Mozilla/5.0 (test)",
                IpAddress = "192.0.2.7",
                DeviceId = "device-1",
                LastSeenAt = Start,
                LastSeenIpAddress = "192.0.2.7",
                Custom = new Dictionary<string, string> { ["tenant"] = "t-1" },
            },
        };

        await store.CreateAsync(session);

        AssertSameRecord(await store.GetAsync(session.SessionId), session);
    }

    /// <summary>A DPoP-bound session keeps its key thumbprint through a rotation: every later refresh is checked against it.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task TryRotate_BoundSession_KeepsKeyThumbprint()
    {
        var store = await NewStoreAsync();
        var session = NewSession() with { KeyThumbprint = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" };
        await store.CreateAsync(session);

        var outcome = await store.TryRotateAsync(session.SessionId, 0, Time.GetUtcNow(), TimeSpan.FromHours(1));

        Assert.That(outcome.Status, Is.EqualTo(RotationStatus.Rotated));
        Assert.That(outcome.Session!.KeyThumbprint, Is.EqualTo(session.KeyThumbprint));
        Assert.That((await store.GetAsync(session.SessionId))!.KeyThumbprint, Is.EqualTo(session.KeyThumbprint));
    }

    /// <summary>A second create with an existing id throws and leaves the first record as it was.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Create_DuplicateId_ThrowsAndKeepsTheFirst()
    {
        var store = await NewStoreAsync();
        var first = NewSession("alice");
        await store.CreateAsync(first);
        var duplicate = first with { Subject = "mallory" };

        await Assert.ThatAsync(() => store.CreateAsync(duplicate).AsTask(), Throws.InvalidOperationException);

        AssertSameRecord(await store.GetAsync(first.SessionId), first);
        Assert.That(await store.ListAsync("mallory", Time.GetUtcNow()), Is.Empty);
    }

    /// <summary>An id that was never created reads as <see langword="null"/>.</summary>
    /// <returns>A task.</returns>
    [Test]
    public async Task Get_UnknownId_ReturnsNull()
    {
        var store = await NewStoreAsync();

        Assert.That(await store.GetAsync("never-created"), Is.Null);
    }

    /// <summary>Asserts that <paramref name="actual"/> holds the same values as <paramref name="expected"/>, field by field.</summary>
    /// <remarks>Field by field rather than record equality, so a store that serializes records (new metadata dictionaries) passes.</remarks>
    /// <param name="actual">The record read from the store.</param>
    /// <param name="expected">The record expected.</param>
    protected static void AssertSameRecord(SessionRecord? actual, SessionRecord expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        Assert.That(actual, Is.Not.Null, "the session should be stored");
        Assert.Multiple(() =>
        {
            Assert.That(actual!.SessionId, Is.EqualTo(expected.SessionId), nameof(SessionRecord.SessionId));
            Assert.That(actual.Subject, Is.EqualTo(expected.Subject), nameof(SessionRecord.Subject));
            Assert.That(actual.CreatedAt, Is.EqualTo(expected.CreatedAt), nameof(SessionRecord.CreatedAt));
            Assert.That(actual.AbsoluteExpiresAt, Is.EqualTo(expected.AbsoluteExpiresAt), nameof(SessionRecord.AbsoluteExpiresAt));
            Assert.That(actual.IdleExpiresAt, Is.EqualTo(expected.IdleExpiresAt), nameof(SessionRecord.IdleExpiresAt));
            Assert.That(actual.Generation, Is.EqualTo(expected.Generation), nameof(SessionRecord.Generation));
            Assert.That(actual.RotatedAt, Is.EqualTo(expected.RotatedAt), nameof(SessionRecord.RotatedAt));
            Assert.That(actual.RevokedAt, Is.EqualTo(expected.RevokedAt), nameof(SessionRecord.RevokedAt));
            Assert.That(actual.RevocationReason, Is.EqualTo(expected.RevocationReason), nameof(SessionRecord.RevocationReason));
            Assert.That(actual.Scope, Is.EqualTo(expected.Scope), nameof(SessionRecord.Scope));
            Assert.That(actual.ClientId, Is.EqualTo(expected.ClientId), nameof(SessionRecord.ClientId));
            Assert.That(actual.KeyThumbprint, Is.EqualTo(expected.KeyThumbprint), nameof(SessionRecord.KeyThumbprint));
            Assert.That(actual.Metadata.DeviceName, Is.EqualTo(expected.Metadata.DeviceName), nameof(SessionMetadata.DeviceName));
            Assert.That(actual.Metadata.UserAgent, Is.EqualTo(expected.Metadata.UserAgent), nameof(SessionMetadata.UserAgent));
            Assert.That(actual.Metadata.IpAddress, Is.EqualTo(expected.Metadata.IpAddress), nameof(SessionMetadata.IpAddress));
            Assert.That(actual.Metadata.DeviceId, Is.EqualTo(expected.Metadata.DeviceId), nameof(SessionMetadata.DeviceId));
            Assert.That(actual.Metadata.LastSeenAt, Is.EqualTo(expected.Metadata.LastSeenAt), nameof(SessionMetadata.LastSeenAt));
            Assert.That(actual.Metadata.LastSeenIpAddress, Is.EqualTo(expected.Metadata.LastSeenIpAddress), nameof(SessionMetadata.LastSeenIpAddress));
            Assert.That(actual.Metadata.Custom, Is.EquivalentTo(expected.Metadata.Custom), nameof(SessionMetadata.Custom));
        });
    }

    /// <summary>Creates a store through <see cref="CreateStoreAsync"/> and disposes it after the test.</summary>
    /// <returns>The store.</returns>
    private async Task<ISessionStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync(Time).ConfigureAwait(false);
        _stores.Add(store);
        return store;
    }

    /// <summary>Creates a peer through <see cref="CreatePeerStoreAsync"/>, or marks the test ignored when the store has none.</summary>
    /// <param name="first">The first store.</param>
    /// <returns>The peer.</returns>
    private async Task<ISessionStore> NewPeerStoreAsync(ISessionStore first)
    {
        var peer = await CreatePeerStoreAsync(first, Time).ConfigureAwait(false);
        if (peer is null)
        {
            Assert.Ignore("The store is per-process: no peer instance to test against.");
        }

        _stores.Add(peer!);
        return peer!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="RevocationPropagationTimeout"/> has passed on the wall clock.</summary>
    /// <param name="condition">The condition.</param>
    /// <returns>Whether the condition held in time.</returns>
    private async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > RevocationPropagationTimeout)
            {
                return condition();
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        return true;
    }
}
