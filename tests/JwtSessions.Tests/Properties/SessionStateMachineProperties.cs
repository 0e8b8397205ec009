using CsCheck;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Properties;

/// <summary>The session state machine against its model (<see cref="SessionModelChecker"/>) on the in-memory store.</summary>
public sealed class SessionStateMachineProperties
{
    private static readonly KeyRing s_accessKeys = KeyRing.Create(TestKeys.Es256);
    private static readonly KeyRing s_refreshKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "refresh-model"));

    [TestCase(1)]
    [TestCase(2)]
    public async Task Sessions_RandomInterleavings_FollowTheModel(int managerCount)
    {
        var seen = new HashSet<RefreshStatus>();
        await SessionModelChecker.Steps.SampleAsync(
            async steps =>
            {
                var time = TestClock.Create();
                using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
                using var first = Create(store, time);
                using var second = managerCount == 2 ? Create(store, time) : null;
                await SessionModelChecker.RunAsync(steps, [first, second ?? first], time, seen);
            },
            iter: PropertyGens.Iterations / 2,
            threads: 1,
            print: static steps => string.Join(", ", steps.Select(static s => s.ToString())));

        seen.Should().Contain(SessionModelChecker.Reached);
    }

    private static SessionManager Create(ISessionStore store, FakeTimeProvider time) => new(
        new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = s_accessKeys,
            RefreshTokenKeys = s_refreshKeys,
            Policy = SessionModelChecker.Policy,
        },
        store,
        time);
}
