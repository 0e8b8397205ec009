using System.Diagnostics;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Sessions;

/// <summary>
/// A flood of sign-ins of one subject through the public API, on the in-memory store and a fake clock: the store's records
/// and memory stay bounded by the per-subject cap plus the tombstone bound, another subject signs in at every step, and the
/// attacker's oldest sessions are the ones revoked. docs/sessions.md ("Resource bounds") quotes the figures printed here.
/// </summary>
[NonParallelizable]
public sealed class SessionFloodTests
{
    private const int FloodSize = 1_000_000;
    private const int Checkpoint = 100_000;

    /// <summary>Where memory is first measured: past every retention (the tombstones' hour at one step a second).</summary>
    private const int SteadyState = 400_000;

    /// <summary>Room for two subjects at the default cap and nothing more: a store any unbounded flood would fill.</summary>
    private const int MaxLiveSessions = 2 * SessionPolicy.DefaultMaxSessionsPerSubject;

    private static readonly KeyRing s_accessKeys = KeyRing.Create(TestKeys.Hs256);
    private static readonly KeyRing s_refreshKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "refresh-flood"));

    /// <summary>
    /// One sign-in a second, a million times (11.6 days, inside the 14-day idle timeout, so no session ends by itself): the
    /// tombstones are bounded by their hour of retention, and the live sessions by the default cap.
    /// </summary>
    [Test]
    public Task Flood_MillionSignInsOfOneSubjectAtTheDefaultCap_StoreStaysBoundedAndOthersSignIn()
        => FloodAsync(SessionPolicy.DefaultMaxSessionsPerSubject, step: TimeSpan.FromSeconds(1));

    /// <summary>
    /// Ten sign-ins a second, a million times (under 28 hours): an hour of revocations (72,000) is over the tombstone count
    /// bound (lowered here to 20,000), which is then what holds, the oldest tombstones dropped first.
    /// </summary>
    [Test]
    public Task Flood_MillionSignInsOfOneSubjectAtCapThree_StoreStaysBoundedAndOthersSignIn()
        => FloodAsync(3, step: TimeSpan.FromMilliseconds(100), maxTombstones: 20_000);

    private static async Task FloodAsync(int cap, TimeSpan step, int maxTombstones = InMemorySessionStoreOptions.DefaultMaxTombstones)
    {
        var time = TestClock.Create();
        var storeOptions = new InMemorySessionStoreOptions { TimeProvider = time, MaxSessions = MaxLiveSessions, MaxTombstones = maxTombstones };
        using var store = new InMemorySessionStore(storeOptions);
        using var manager = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = RawToken.Issuer,
                Audience = RawToken.Audience,
                AccessTokenKeys = s_accessKeys,
                RefreshTokenKeys = s_refreshKeys,
                Policy = SessionPolicy.Default with { MaxSessionsPerSubject = cap },
            },
            store, timeProvider: time, logger: SuiteLogs.For<SessionManager>());

        // Both subjects sit at the cap, so each step revokes two sessions. Tombstones: the count bound, or the retention's
        // worth of revocations (plus one sweep interval of lag), whichever is lower. The revocation list keeps each id for the
        // access lifetime + skew (the security bound, never shortened), plus up to 1,023 expired ids awaiting a prune.
        var retentionWorth = 2 * ((int)((storeOptions.TombstoneRetention + storeOptions.SweepInterval) / step) + 1);
        var tombstoneBound = Math.Min(maxTombstones, retentionWorth);
        var revocationListBound = (2 * ((int)((manager.Policy.AccessTokenLifetime + new SessionManagerOptions().ClockSkew) / step) + 1)) + 1024;
        var recordBound = (2 * cap) + tombstoneBound;

        var first = new List<SessionTokens>();
        var newest = new Queue<SessionTokens>();
        long baseline = 0;
        long peakRecords = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = 1; i <= FloodSize; i++)
        {
            var flood = await manager.StartSessionAsync("mallory");
            if (first.Count < cap)
            {
                first.Add(flood);
            }

            newest.Enqueue(flood);
            if (newest.Count > cap)
            {
                newest.Dequeue();
            }

            // Another subject signs in at every step: never "store full".
            var alice = await manager.StartSessionAsync("alice");
            if (i % 1_009 == 0)
            {
                // Sampled: Count takes every lock of the store's dictionary.
                peakRecords = Math.Max(peakRecords, store.Count);
            }

            if (i % Checkpoint == 0)
            {
                manager.ValidateAccessToken(alice.AccessToken).IsValid.Should().BeTrue();
                store.Count.Should().BeLessThanOrEqualTo(recordBound, "after {0} sign-ins", i);
                store.TombstoneCount.Should().BeLessThanOrEqualTo(tombstoneBound);
                manager.Revocations.Count.Should().BeLessThanOrEqualTo(revocationListBound);
                (await manager.ListSessionsAsync("mallory")).Should().HaveCount(cap);
                var memory = GC.GetTotalMemory(forceFullCollection: true);
                if (i == SteadyState)
                {
                    baseline = memory;
                }
                else if (i > SteadyState)
                {
                    // Steady state: no growth with the number of sign-ins beyond noise (the bounds were all reached by the
                    // first checkpoint).
                    (memory - baseline).Should().BeLessThan(16 * 1024 * 1024, "managed heap after {0} sign-ins vs after {1}", i, SteadyState);
                }

                TestContext.Out.WriteLine(
                    $"cap {cap}, step {step.TotalMilliseconds} ms: {i:N0} sign-ins, {store.Count:N0} records ({store.TombstoneCount:N0} tombstones), "
                    + $"{manager.Revocations.Count:N0} revoked ids listed, heap {memory / (1024.0 * 1024):F1} MiB, {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }

            time.Advance(step);
        }

        TestContext.Out.WriteLine($"peak records {peakRecords:N0} (bound {recordBound:N0})");
        peakRecords.Should().BeLessThanOrEqualTo(recordBound);

        // The attacker's newest sessions are the ones left, and the oldest are revoked: their refresh tokens fail and, were
        // they still within their lifetime, their access tokens would read revoked.
        (await manager.ListSessionsAsync("mallory")).Select(s => s.SessionId).Should().Equal(newest.Select(t => t.SessionId));
        foreach (var tokens in newest)
        {
            manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();
        }

        foreach (var tokens in first)
        {
            var refresh = await manager.RefreshAsync(tokens.RefreshToken);
            refresh.Status.Should().BeOneOf(RefreshStatus.UnknownSession, RefreshStatus.SessionRevoked);
            (await store.GetAsync(tokens.SessionId)).Should().BeNull("its tombstone is long gone");
        }
    }
}
