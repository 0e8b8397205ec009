using JwtSessions.Sessions;
using JwtSessions.Tests.Concurrency;

namespace JwtSessions.Tests.Sessions;

/// <content>
/// Races on the compact entry: each slot of the store's capacity is given back exactly once whichever of two racing steps
/// wins, so the capacity the store reports after the race is exact.
/// </content>
public sealed partial class InMemorySessionStoreTests
{
    [Test]
    public void CreateWithCap_RacingARevocationOfTheSessionItEvicts_SlotGivenBackOnce()
    {
        InMemorySessionStore? store = null;
        var violations = Race.Run(
            iterations: 2_000,
            reset: () =>
            {
                store?.Dispose();
                store = CreateStore(maxSessions: 2);
                store.CreateAsync(Record("s-a", "alice")).AsTask().GetAwaiter().GetResult();
            },
            act: t =>
            {
                if (t == 0)
                {
                    store!.RevokeAsync("s-a", _time.GetUtcNow(), SessionEndReason.Logout).AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    store!.CreateWithCapAsync(Record("s-b", "alice"), maxSessionsPerSubject: 1).AsTask().GetAwaiter().GetResult();
                }
            },
            violated: () => !HoldsExactly(store!, "alice", ["s-b"], freeSlots: 1));
        store?.Dispose();

        violations.Should().Be(0);
    }

    [Test]
    public void TryRotate_RacingASweepAtTheDeadline_SessionEitherRotatedAndKeptOrRemovedWithItsSlot()
    {
        InMemorySessionStore? store = null;
        var rotated = false;
        var violations = Race.Run(
            iterations: 2_000,
            reset: () =>
            {
                store?.Dispose();
                store = CreateStore(maxSessions: 1, sweepInterval: TimeSpan.FromDays(45));
                store.CreateAsync(Record("s-a", "alice", idle: TimeSpan.FromMinutes(1))).AsTask().GetAwaiter().GetResult();
                _time.Advance(TimeSpan.FromMinutes(1));
            },
            act: t =>
            {
                if (t == 0)
                {
                    store!.Sweep();
                }
                else
                {
                    // The refresh judged just before the deadline (its clock lags the sweeper's by a tick).
                    var outcome = store!.TryRotateAsync("s-a", 0, _time.GetUtcNow() - TimeSpan.FromTicks(1), TimeSpan.FromMinutes(1))
                        .AsTask().GetAwaiter().GetResult();
                    rotated = outcome.Status == RotationStatus.Rotated;
                }
            },
            violated: () => rotated
                ? store!.GetAsync("s-a").AsTask().GetAwaiter().GetResult()?.Generation != 1 || !HoldsExactly(store!, "alice", ["s-a"], freeSlots: 0)
                : store!.GetAsync("s-a").AsTask().GetAwaiter().GetResult() is not null || !HoldsExactly(store!, "alice", [], freeSlots: 1));
        store?.Dispose();

        violations.Should().Be(0);
    }

    /// <summary>Whether the subject lists exactly <paramref name="ids"/> and exactly <paramref name="freeSlots"/> more sessions fit.</summary>
    private bool HoldsExactly(InMemorySessionStore store, string subject, string[] ids, int freeSlots)
    {
        var listed = store.ListAsync(subject, _time.GetUtcNow() - TimeSpan.FromTicks(1)).AsTask().GetAwaiter().GetResult();
        if (!listed.Select(static s => s.SessionId).SequenceEqual(ids))
        {
            return false;
        }

        for (var i = 0; i <= freeSlots; i++)
        {
            try
            {
                store.CreateAsync(Record($"probe-{i}", $"probe-{i}")).AsTask().GetAwaiter().GetResult();
                if (i == freeSlots)
                {
                    return false;
                }
            }
            catch (SessionStoreUnavailableException)
            {
                return i == freeSlots;
            }
        }

        return false;
    }
}
