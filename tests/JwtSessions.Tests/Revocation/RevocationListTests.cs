using System.Text;
using JwtSessions.Revocation;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Revocation;

/// <summary>
/// The UTF-8 lookup validators use goes through a bit filter before the dictionary. A filter may answer "maybe" for an id that
/// is absent, never "no" for one that is present: a missed revocation would let a revoked session's tokens through.
/// </summary>
public sealed class RevocationListTests
{
    [Test]
    public void Contains_SeededAddsAndPrunes_Utf8LookupAlwaysAgreesWithTheDictionary()
    {
        var time = TestClock.Create();
        var list = new RevocationList(time);
        var random = new Random(20261126);
        var ids = Enumerable.Range(0, 300).Select(static i => (i % 7) switch
        {
            0 => $"s-é-{i}",
            1 => $"s-{i}-😀",
            2 => new string('x', 300) + i,
            _ => $"s-{i:x8}",
        }).ToArray();

        int present = 0, absent = 0;
        for (var step = 0; step < 20_000; step++)
        {
            var id = ids[random.Next(ids.Length)];
            switch (random.Next(10))
            {
                case < 6:
                    list.Add(id, time.GetUtcNow().AddSeconds(random.Next(1, 120)));
                    break;
                case < 8:
                    time.Advance(TimeSpan.FromSeconds(random.Next(1, 30)));
                    break;
                case 8:
                    list.Prune();
                    break;
                default:
                    break;
            }

            var probe = ids[random.Next(ids.Length)];
            var expected = list.Contains(probe);
            list.Contains(Encoding.UTF8.GetBytes(probe)).Should().Be(expected, "step {0}, id {1}", step, probe);
            if (expected)
            {
                present++;
            }
            else
            {
                absent++;
            }
        }

        // Both answers must have been exercised, and pruning must have run with removals.
        present.Should().BeGreaterThan(1_000);
        absent.Should().BeGreaterThan(1_000);
    }

    [Test]
    public void Contains_AfterPrune_RemovedIdsAreGoneAndKeptIdsAreFound()
    {
        var time = TestClock.Create();
        var list = new RevocationList(time);
        list.Add("short-lived", time.GetUtcNow().AddMinutes(1));
        list.Add("long-lived", time.GetUtcNow().AddHours(1));
        time.Advance(TimeSpan.FromMinutes(2));

        list.Prune().Should().Be(1);

        list.Contains("short-lived"u8).Should().BeFalse();
        list.Contains("long-lived"u8).Should().BeTrue();
        list.Contains("never-added"u8).Should().BeFalse();
    }

    [Test]
    public void Contains_AddsRacingPrunes_NeverMissesAnIdOnceAddReturned()
    {
        // Two threads revoke ids and look each one up right after Add returns, while a third keeps expiring short-lived ids
        // and pruning, which rebuilds the filter. A lookup that misses would be a revoked session let through.
        var time = TestClock.Create();
        var list = new RevocationList(time);
        var misses = 0;
        var lookups = 0;
        using var done = new CancellationTokenSource();

        var pruner = Task.Run(() =>
        {
            for (var i = 0; !done.IsCancellationRequested; i++)
            {
                list.Add($"churn-{i}", time.GetUtcNow().AddSeconds(1));
                if (i % 32 == 0)
                {
                    time.Advance(TimeSpan.FromSeconds(2));
                    list.Prune();
                }
            }
        });

        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var id = $"revoked-{w}-{i}";
                list.Add(id, DateTimeOffset.MaxValue);
                Interlocked.Increment(ref lookups);
                if (!list.Contains(Encoding.UTF8.GetBytes(id)))
                {
                    Interlocked.Increment(ref misses);
                }
            }
        })).ToArray();

        Task.WaitAll(writers);
        done.Cancel();
        pruner.Wait();

        lookups.Should().Be(10_000);
        misses.Should().Be(0);
        for (var w = 0; w < 2; w++)
        {
            for (var i = 0; i < 5_000; i++)
            {
                list.Contains(Encoding.UTF8.GetBytes($"revoked-{w}-{i}")).Should().BeTrue();
            }
        }
    }
}
