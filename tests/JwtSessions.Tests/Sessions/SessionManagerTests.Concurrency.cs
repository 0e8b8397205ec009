using JwtSessions.Sessions;
using JwtSessions.Testing;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <content>Parallel refreshes of one refresh token on real threads, outside and inside the grace window.</content>
public sealed partial class SessionManagerTests
{
    private const int Threads = 32;
    private const int Repetitions = 50;

    [Test]
    public async Task Refresh_ConcurrentSameTokenWithoutGrace_OneRotatesAndSessionEndsRevokedByReuse()
    {
        using var manager = CreateManager(SessionPolicy.Default with { RefreshGracePeriod = TimeSpan.Zero });
        using var gang = new ThreadGang(Threads);

        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            var tokens = await manager.StartSessionAsync("alice");

            var results = gang.Run(_ => manager.RefreshAsync(tokens.RefreshToken).AsTask().GetAwaiter().GetResult());

            var because = $"repetition {repetition}";
            results.Count(r => r.Status == RefreshStatus.Rotated).Should().Be(1, because);
            results.Count(r => r.Status == RefreshStatus.ReuseDetected).Should().BeGreaterThanOrEqualTo(1, because);
            results.Where(r => r.Status != RefreshStatus.Rotated).Select(r => r.Status)
                .Should().OnlyContain(s => s == RefreshStatus.ReuseDetected || s == RefreshStatus.SessionRevoked, because);
            results.Where(r => r.Succeeded).Select(r => r.Tokens!.Generation).Distinct().Should().ContainSingle(because);
            var record = await StoredAsync(tokens.SessionId);
            record!.Generation.Should().Be(1, because);
            record.RevocationReason.Should().Be(SessionEndReason.RefreshTokenReuse, because);
            var winner = results.Single(r => r.Succeeded).Tokens!;
            manager.ValidateAccessToken(winner.AccessToken).Error.Should().Be(TokenValidationError.Revoked, because);
            (await manager.RefreshAsync(winner.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked, because);
        }
    }

    [Test]
    public async Task Refresh_ConcurrentSameTokenInsideGrace_AllSucceedOnOneGenerationWithoutFork()
    {
        using var manager = CreateManager();
        using var gang = new ThreadGang(Threads);

        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            var tokens = await manager.StartSessionAsync("alice");
            _time.Advance(TimeSpan.FromSeconds(1));

            var results = gang.Run(_ => manager.RefreshAsync(tokens.RefreshToken).AsTask().GetAwaiter().GetResult());

            var because = $"repetition {repetition}";
            results.Should().OnlyContain(r => r.Succeeded, because);
            results.Count(r => r.Status == RefreshStatus.Rotated).Should().Be(1, because);
            results.Count(r => r.Status == RefreshStatus.GraceReissued).Should().Be(Threads - 1, because);
            results.Select(r => r.Tokens!.Generation).Should().OnlyContain(g => g == 1, because);
            results.Should().OnlyContain(r => manager.ValidateAccessToken(r.Tokens!.AccessToken).IsValid, because);
            var record = await StoredAsync(tokens.SessionId);
            record!.Generation.Should().Be(1, because);
            record.RevokedAt.Should().BeNull(because);

            // No fork: any of the returned refresh tokens continues the one branch.
            _time.Advance(TimeSpan.FromMinutes(1));
            var next = await manager.RefreshAsync(results[repetition % Threads].Tokens!.RefreshToken);
            next.Status.Should().Be(RefreshStatus.Rotated, because);
            next.Tokens!.Generation.Should().Be(2, because);
        }

        _store.Revokes.Should().Be(0);
    }

    [Test]
    public async Task Refresh_ConcurrentSameTokenAcrossTwoServers_OneRotationInTotal()
    {
        using var shared = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        var policy = SessionPolicy.Default with { RefreshGracePeriod = TimeSpan.Zero };
        using var serverA = CreateManager(policy, store: shared);
        using var serverB = CreateManager(policy, store: shared);
        using var gang = new ThreadGang(Threads);

        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            var tokens = await serverA.StartSessionAsync("alice");

            var results = gang.Run(i => (i % 2 == 0 ? serverA : serverB).RefreshAsync(tokens.RefreshToken).AsTask().GetAwaiter().GetResult());

            results.Count(r => r.Status == RefreshStatus.Rotated).Should().Be(1, $"repetition {repetition}");
            (await shared.GetAsync(tokens.SessionId))!.RevocationReason.Should().Be(SessionEndReason.RefreshTokenReuse);
        }
    }

    [Test]
    public async Task Refresh_ConcurrentDistinctSessions_EachRotatesIndependently()
    {
        using var manager = CreateManager(SessionPolicy.Default with { RefreshGracePeriod = TimeSpan.Zero });
        var sessions = new SessionTokens[Threads];
        for (var i = 0; i < Threads; i++)
        {
            sessions[i] = await manager.StartSessionAsync("user-" + (i % 4));
        }

        using var gang = new ThreadGang(Threads);

        var results = gang.Run(i => manager.RefreshAsync(sessions[i].RefreshToken).AsTask().GetAwaiter().GetResult());

        results.Should().OnlyContain(r => r.Status == RefreshStatus.Rotated);
        results.Select(r => r.SessionId).Should().Equal(sessions.Select(s => s.SessionId));
    }
}
