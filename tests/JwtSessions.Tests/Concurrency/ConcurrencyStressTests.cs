using System.Security.Cryptography;
using System.Text;
using JwtSessions.Internal;
using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Concurrency;

/// <summary>
/// Bounds and once-only guarantees of shared state under two threads acting at once. Before the fixes, each of the first
/// four failed in every run (the cache in about one iteration in ten, the store in one in twenty, the burst monitor in one
/// in a thousand); the iteration counts keep dozens of expected failures per run.
/// </summary>
[NonParallelizable]
public sealed class ConcurrencyStressTests
{
    [Test]
    public void VerifiedTokenCache_ConcurrentAdds_NeverExceedMaxEntries()
    {
        var time = TestClock.Create();
        var claims = LiveClaims(time);
        var tokens = new[] { Encoding.ASCII.GetBytes("token-a"), Encoding.ASCII.GetBytes("token-b") };
        VerifiedTokenCache cache = null!;

        var failures = Race.Run(
            5_000,
            reset: () => cache = new VerifiedTokenCache(new VerifiedTokenCacheOptions { MaxEntries = 1 }, time),
            act: t => cache.Add(tokens[t], claims, TestKeys.Hs256),
            violated: () => tokens.Count(token => cache.TryGet(token, out _)) != 1 || cache.Count != 1);

        failures.Should().Be(0, "the cache holds at most MaxEntries, and one of two adds into an empty cache wins");
    }

    [Test]
    public void VerifiedTokenCache_ConcurrentAdds_NeverExceedMaxBytes()
    {
        var time = TestClock.Create();
        var claims = LiveClaims(time);
        var tokens = new[] { new byte[60], new byte[60] };
        tokens[0][0] = 1;
        tokens[1][0] = 2;
        VerifiedTokenCache cache = null!;

        var failures = Race.Run(
            5_000,
            reset: () => cache = new VerifiedTokenCache(new VerifiedTokenCacheOptions { MaxBytes = 100 }, time),
            act: t => cache.Add(tokens[t], claims, TestKeys.Hs256),
            violated: () => tokens.Count(token => cache.TryGet(token, out _)) != 1);

        failures.Should().Be(0, "two 60-byte tokens never fit in 100 bytes, and one of them always does");
    }

    [Test]
    public void InMemorySessionStore_ConcurrentCreates_NeverExceedMaxSessions()
    {
        var time = TestClock.Create();
        InMemorySessionStore store = null!;
        var round = 0;
        var records = new SessionRecord[2];
        var full = new bool[2];

        var failures = Race.Run(
            2_000,
            reset: () =>
            {
                store?.Dispose();
                store = new InMemorySessionStore(new InMemorySessionStoreOptions { MaxSessions = 1, TimeProvider = time });
                round++;
                records[0] = SessionRecords.Create($"a-{round}", "alice", time.GetUtcNow());
                records[1] = SessionRecords.Create($"b-{round}", "bob", time.GetUtcNow());
                full[0] = full[1] = false;
            },
            act: t =>
            {
                try
                {
                    store.CreateAsync(records[t]).AsTask().GetAwaiter().GetResult();
                }
                catch (SessionStoreUnavailableException)
                {
                    full[t] = true;
                }
            },
            violated: () => store.Count != 1 || full[0] == full[1]);
        store.Dispose();

        failures.Should().Be(0, "of two sign-ins into a store with room for one, exactly one is refused as full");
    }

    [Test]
    public void RejectionBurstMonitor_ConcurrentRollover_FiresOncePerWindowAndNeverForTheOldOne()
    {
        // Threshold 2, window 1 s, and the window [0, 1000) ends with one rejection. Each thread then records two at t=1000:
        // four rejections in the new window, which must fire exactly once, and never as the old window's second.
        RejectionBurstMonitor monitor = null!;
        var fired = new int[2];
        var oldWindowFired = new bool[2];

        var failures = Race.Run(
            50_000,
            reset: () =>
            {
                monitor = new RejectionBurstMonitor(threshold: 2, windowMilliseconds: 1000);
                monitor.Record(0, out _, out _);
                fired[0] = fired[1] = 0;
                oldWindowFired[0] = oldWindowFired[1] = false;
            },
            act: t =>
            {
                for (var i = 0; i < 2; i++)
                {
                    if (monitor.Record(1000, out var windowStart, out _))
                    {
                        fired[t]++;
                        oldWindowFired[t] |= windowStart != 1000;
                    }
                }
            },
            violated: () => fired[0] + fired[1] != 1 || oldWindowFired[0] || oldWindowFired[1],
            jitter: 32,
            fine: true);

        failures.Should().Be(0, "the burst event is raised once per window");
    }

    [Test]
    public void HmacPool_ManyThreads_EveryMacMatchesTheOneShotMac()
    {
        var secret = RandomNumberGenerator.GetBytes(32);
        var key = SigningKey.CreateHmac(secret, JwtAlgorithm.HS256);
        var inputs = Enumerable.Range(0, 64).Select(i => Encoding.ASCII.GetBytes(new string((char)('a' + (i % 26)), 10 + i))).ToArray();
        var expected = inputs.Select(input => HMACSHA256.HashData(secret, input)).ToArray();
        var wrong = 0;

        Parallel.For(0, 100_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            Span<byte> mac = stackalloc byte[64];
            var written = key.Sign(inputs[i % 64], mac);
            if (!mac[..written].SequenceEqual(expected[i % 64]))
            {
                Interlocked.Increment(ref wrong);
            }
        });

        wrong.Should().Be(0, "a pooled HMAC instance is lent to one thread at a time");
    }

    [Test]
    public void RevocationList_AddWhilePruning_EveryAddedIdIsFoundAtOnce()
    {
        var time = TestClock.Create();
        var list = new RevocationList(time);
        var misses = 0;
        var stop = 0;
        var churn = new Thread(() =>
        {
            var i = 0;
            while (Volatile.Read(ref stop) == 0)
            {
                // Entries already past retention: every prune removes some and rebuilds the filter.
                list.Add($"old-{i++}", time.GetUtcNow().AddSeconds(-1));
                if (i % 16 == 0)
                {
                    list.Prune();
                }
            }
        });
        churn.Start();
        for (var i = 0; i < 10_000; i++)
        {
            var id = $"live-{i}";
            list.Add(id, time.GetUtcNow().AddHours(1));
            if (!list.Contains(Encoding.UTF8.GetBytes(id)))
            {
                misses++;
            }
        }

        Volatile.Write(ref stop, 1);
        churn.Join();
        misses.Should().Be(0, "a revocation is visible to the thread that added it, whatever a concurrent prune does");
    }

    private static TokenClaims LiveClaims(FakeTimeProvider time)
    {
        var slots = ClaimSlots.Empty;
        slots.Exp = time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        return new TokenClaims("{}"u8.ToArray(), slots);
    }
}
