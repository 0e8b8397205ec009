using CsCheck;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Tests.Properties;

namespace JwtSessions.Redis.Tests.Properties;

/// <summary>
/// The session state machine against its model (<see cref="SessionModelChecker"/>) on the Redis store: one manager, or two
/// managers on two connections to the same server and key prefix (two application servers).
/// </summary>
public sealed class RedisSessionStateMachineProperties
{
    // Each sequence is a few dozen round trips to a real server: fewer samples than in memory, the same model.
    private const int Iterations = 40;

    [TestCase(1)]
    [TestCase(2)]
    public async Task Sessions_RandomInterleavings_FollowTheModel(int managerCount)
    {
        var seen = new HashSet<RefreshStatus>();
        await SessionModelChecker.Steps.SampleAsync(
            async steps =>
            {
                await using var resources = new TestResources();
                var managers = new TestManagers();
                var address = RedisTestEnvironment.Address;
                var prefix = resources.NewPrefix(address);
                var firstStore = await resources.StoreAsync(address, prefix, managers.Time);
                var secondStore = managerCount == 2 ? await resources.StoreAsync(address, prefix, managers.Time) : firstStore;
                using var first = managers.Create(firstStore, SessionModelChecker.Policy);
                using var second = managerCount == 2 ? managers.Create(secondStore, SessionModelChecker.Policy) : null;
                await SessionModelChecker.RunAsync(steps, [first, second ?? first], managers.Time, seen);
            },
            iter: Iterations,
            threads: 1,
            print: static steps => string.Join(", ", steps.Select(static s => s.ToString())));

        seen.Should().Contain(SessionModelChecker.Reached);
    }
}
