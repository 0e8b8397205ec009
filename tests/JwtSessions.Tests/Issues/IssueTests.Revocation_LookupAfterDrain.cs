using System.Text;
using JwtSessions.Revocation;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issues;

/// <content>
/// <see cref="RevocationList"/>: the validator's lookup began with <c>ConcurrentDictionary.IsEmpty</c>, which scans every
/// bucket and takes every lock when the list is empty; the table never shrinks, so after a burst of revocations was pruned
/// every access-token validation cost tens of microseconds instead of tens of nanoseconds. Fixed by dropping the shortcut.
/// </content>
public sealed partial class IssueTests
{
    [Test]
    public void RevocationList_LookupAfterLargeListWasPruned_CostsAboutTheSameAsOnAFreshList()
    {
        var time = TestClock.Create();
        var drained = new RevocationList(time);
        for (var i = 0; i < 100_000; i++)
        {
            drained.Add("session-" + i, time.GetUtcNow() + TimeSpan.FromMinutes(1));
        }

        time.Advance(TimeSpan.FromMinutes(1));
        drained.Prune();
        drained.Count.Should().Be(0);
        var fresh = new RevocationList(time);
        var sessionId = Encoding.UTF8.GetBytes("AAAAAAAAAAAAAAAAAAAAAA");

        var (freshCost, drainedCost) = CheapestBatchNanoseconds(7, 2_000, _ => fresh.Contains(sessionId), _ => drained.Contains(sessionId));

        TestContext.Out.WriteLine($"lookup: fresh {freshCost:F0} ns, after drain {drainedCost:F0} ns");
        drainedCost.Should().BeLessThan(Math.Max(20 * freshCost, 2_000), "a lookup must stay O(1) after the list shrank");
    }
}
