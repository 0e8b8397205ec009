using System.Buffers.Text;
using System.Text.Json;
using CsCheck;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Properties;

/// <summary>
/// The session state machine against a model (docs/sessions.md): random interleavings of sign-in, refresh with the current
/// or an older refresh token, concurrent refresh on two managers, logout, log out everywhere and the passing of time, run
/// on managers that share one store. After every step the outcome must be the one the model allows; so the rotation
/// history is linearizable: each generation is rotated once, a replay of the previous one within the grace period gets
/// the current pair (the session never forks), any other replay revokes the session, and a revoked or expired session
/// never refreshes again, nor does the revoking manager accept its access tokens.
/// </summary>
/// <remarks>Used by the in-memory store's property test here and by the Redis store's in tests/JwtSessions.Redis.Tests.</remarks>
internal static class SessionModelChecker
{
    /// <summary>Short enough for the idle and absolute deadlines to be crossed within one sequence.</summary>
    public static SessionPolicy Policy { get; } = new()
    {
        AccessTokenLifetime = TimeSpan.FromMinutes(5),
        IdleTimeout = TimeSpan.FromHours(1),
        AbsoluteLifetime = TimeSpan.FromHours(3),
        RefreshGracePeriod = TimeSpan.FromSeconds(10),
    };

    /// <summary>Around a deadline the model allows both sides: the skews and whole-second rounding of the tokens live there.</summary>
    private static readonly TimeSpan s_margin = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The outcomes a run of many sequences must reach for the comparison to mean something. (SessionExpired is rare: a
    /// refresh token expires with its session's idle deadline, so an idle session's token is refused before the store.)
    /// </summary>
    public static IReadOnlyList<RefreshStatus> Reached { get; } =
        [RefreshStatus.Rotated, RefreshStatus.GraceReissued, RefreshStatus.ReuseDetected, RefreshStatus.SessionRevoked, RefreshStatus.InvalidToken];

    public static Gen<Step[]> Steps { get; } = Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, 2], Gen.Int[0, 1], static (subject, manager) => (Step)new Start(subject, manager))),
        (8, Gen.Select(Gen.Int[0, 7], Gen.Frequency((6, Gen.Const(0)), (3, Gen.Const(1)), (1, Gen.Int[2, 4])), Gen.Int[0, 1], static (session, age, manager) => (Step)new Refresh(session, age, manager))),
        (2, Gen.Int[0, 7].Select(static session => (Step)new RefreshOnBoth(session))),
        (1, Gen.Select(Gen.Int[0, 7], Gen.Int[0, 1], static (session, manager) => (Step)new Revoke(session, manager))),
        (1, Gen.Select(Gen.Int[0, 2], Gen.Int[0, 1], static (subject, manager) => (Step)new RevokeAll(subject, manager))),
        (4, Gen.Frequency(
            (6, Gen.Long[0, 15_000]),
            (2, Gen.Long[60_000, 600_000]),
            (1, Gen.Long[3_000_000, 4_500_000])).Select(static ms => (Step)new Advance(ms))))
        .Array[1, 40];

    /// <summary>Runs <paramref name="steps"/> on <paramref name="managers"/> (sharing one store and <paramref name="time"/>).</summary>
    /// <param name="seen">Collects every refresh outcome, so a caller can check that the sequences reached them all.</param>
    public static async Task RunAsync(Step[] steps, IReadOnlyList<SessionManager> managers, FakeTimeProvider time, ISet<RefreshStatus> seen)
    {
        var sessions = new List<ModelSession>();
        foreach (var step in steps)
        {
            var now = time.GetUtcNow();
            switch (step)
            {
                case Start start:
                {
                    var tokens = await managers[start.Manager].StartSessionAsync("user-" + start.Subject);
                    sessions.Add(new ModelSession(tokens, now));
                    break;
                }

                case Refresh refresh when sessions.Count > 0:
                {
                    var session = sessions[refresh.Session % sessions.Count];
                    var presented = session.Held(refresh.Age);
                    var result = await managers[refresh.Manager].RefreshAsync(presented.RefreshToken);
                    Apply(session, presented, result, refresh.Manager, now, managers, step, seen);
                    break;
                }

                case RefreshOnBoth both when sessions.Count > 0:
                {
                    var session = sessions[both.Session % sessions.Count];
                    var presented = session.Held(0);
                    var results = await Task.WhenAll(managers[0].RefreshAsync(presented.RefreshToken).AsTask(), managers[1].RefreshAsync(presented.RefreshToken).AsTask());

                    // Linearized in the order the store rotated them: whichever rotated came first.
                    var first = results[1].Status == RefreshStatus.Rotated ? 1 : 0;
                    Apply(session, presented, results[first], first, now, managers, step, seen);
                    Apply(session, presented, results[1 - first], 1 - first, now, managers, step, seen);
                    break;
                }

                case Revoke revoke when sessions.Count > 0:
                {
                    var session = sessions[revoke.Session % sessions.Count];
                    var existed = await managers[revoke.Manager].RevokeAsync(session.Id);
                    if (session.State == SessionState.Alive && session.DefinitelyAlive(now))
                    {
                        existed.Should().BeTrue("{0}: an active session exists", step);
                    }

                    session.MarkRevoked(revoke.Manager);
                    AssertAccessRejected(session, managers);
                    break;
                }

                case RevokeAll all:
                {
                    var subject = "user-" + all.Subject;
                    var mine = sessions.Where(s => s.Subject == subject && s.State == SessionState.Alive).ToList();
                    var count = await managers[all.Manager].RevokeAllAsync(subject);
                    count.Should().BeInRange(mine.Count(s => s.DefinitelyAlive(now)), mine.Count(s => !s.DefinitelyExpired(now)), "{0}", step);
                    foreach (var session in mine.Where(s => !s.DefinitelyExpired(now)))
                    {
                        session.MarkRevoked(all.Manager);
                        AssertAccessRejected(session, managers);
                    }

                    break;
                }

                case Advance advance:
                    time.Advance(TimeSpan.FromMilliseconds(advance.Milliseconds));
                    break;
            }
        }

        foreach (var session in sessions.Where(static s => s.State == SessionState.Revoked))
        {
            AssertAccessRejected(session, managers);
        }
    }

    /// <summary>Checks one refresh outcome against the model and advances the model.</summary>
    private static void Apply(
        ModelSession session,
        SessionTokens presented,
        RefreshResult result,
        int manager,
        DateTimeOffset now,
        IReadOnlyList<SessionManager> managers,
        Step step,
        ISet<RefreshStatus> seen)
    {
        var because = $"{step} on manager {manager}: generation {presented.Generation} of {session}";
        seen.Add(result.Status);
        if (now.ToUnixTimeSeconds() >= RefreshExpiry(presented.RefreshToken))
        {
            // The refresh token itself has expired (the refresh validator allows no skew): no store call.
            result.Status.Should().Be(RefreshStatus.InvalidToken, because);
            return;
        }

        var allowed = new List<RefreshStatus>();
        if (session.State == SessionState.Revoked)
        {
            allowed.Add(RefreshStatus.SessionRevoked);
        }

        if (session.State == SessionState.Expired || !session.DefinitelyAlive(now))
        {
            allowed.AddRange([RefreshStatus.SessionExpired, RefreshStatus.UnknownSession]);
        }

        var expectedLive = session.State == SessionState.Alive && !session.DefinitelyExpired(now) ? session.Expect(presented.Generation, now) : (RefreshStatus?)null;
        if (expectedLive is { } live)
        {
            allowed.Add(live);
        }

        result.Status.Should().BeOneOf(allowed, because);
        switch (result.Status)
        {
            case RefreshStatus.Rotated:
                result.Tokens!.Generation.Should().Be(presented.Generation + 1, because);
                session.Rotated(result.Tokens, now);
                break;
            case RefreshStatus.GraceReissued:
                result.Tokens!.Generation.Should().Be(session.Generation, because + ": a grace re-issue returns the current generation");
                session.Reissued(result.Tokens, now);
                break;
            case RefreshStatus.ReuseDetected:
                session.MarkRevoked(manager);
                AssertAccessRejected(session, managers);
                break;
            case RefreshStatus.SessionExpired or RefreshStatus.UnknownSession when session.State == SessionState.Alive:
                session.State = SessionState.Expired;
                break;
        }
    }

    /// <summary>The manager that revoked a session rejects its access tokens at once, whatever its revocation feed's latency.</summary>
    private static void AssertAccessRejected(ModelSession session, IReadOnlyList<SessionManager> managers)
    {
        foreach (var pair in session.AllPairs)
        {
            managers[session.RevokedBy].ValidateAccessToken(pair.AccessToken).IsValid.Should().BeFalse("{0} was revoked", session);
        }
    }

    private static long RefreshExpiry(string refreshToken)
    {
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(refreshToken.Split('.')[1]));
        return payload.RootElement.GetProperty("exp").GetInt64();
    }

    public abstract record Step;

    public sealed record Start(int Subject, int Manager) : Step;

    /// <summary>Refreshes with the pair <paramref name="Age"/> generations before the newest this client holds.</summary>
    public sealed record Refresh(int Session, int Age, int Manager) : Step;

    /// <summary>The newest refresh token, on both managers at once (two servers, one lost response).</summary>
    public sealed record RefreshOnBoth(int Session) : Step;

    public sealed record Revoke(int Session, int Manager) : Step;

    public sealed record RevokeAll(int Subject, int Manager) : Step;

    public sealed record Advance(long Milliseconds) : Step;

    private enum SessionState
    {
        Alive,
        Revoked,
        Expired,
    }

    private sealed class ModelSession(SessionTokens first, DateTimeOffset now)
    {
        private readonly List<SessionTokens> _pairs = [first];
        private readonly DateTimeOffset _created = now;
        private DateTimeOffset _rotatedAt = now;
        private DateTimeOffset _lastUse = now;

        public string Id { get; } = first.SessionId;

        public string Subject { get; } = first.Subject;

        public long Generation { get; private set; } = first.Generation;

        public SessionState State { get; set; }

        public int RevokedBy { get; private set; }

        public IEnumerable<SessionTokens> AllPairs => _pairs;

        /// <summary>The newest pair held of generation <c>Generation - age</c>, or the oldest held.</summary>
        public SessionTokens Held(int age)
        {
            var generation = Math.Max(_pairs[0].Generation, Generation - age);
            return _pairs.Last(p => p.Generation == generation);
        }

        public bool DefinitelyAlive(DateTimeOffset now)
            => now < _rotatedAt + Policy.IdleTimeout - s_margin && now < _created + Policy.AbsoluteLifetime - s_margin;

        public bool DefinitelyExpired(DateTimeOffset now)
            => now > _lastUse + Policy.IdleTimeout + s_margin || now > _created + Policy.AbsoluteLifetime + s_margin;

        /// <summary>What a live session answers to <paramref name="presented"/> (docs/sessions.md, rotation and reuse).</summary>
        public RefreshStatus Expect(long presented, DateTimeOffset now)
            => presented == Generation ? RefreshStatus.Rotated
                : presented == Generation - 1 && now - _rotatedAt <= Policy.RefreshGracePeriod ? RefreshStatus.GraceReissued
                : RefreshStatus.ReuseDetected;

        public void Rotated(SessionTokens pair, DateTimeOffset now)
        {
            Generation = pair.Generation;
            _rotatedAt = now;
            _lastUse = now;
            _pairs.Add(pair);
        }

        public void Reissued(SessionTokens pair, DateTimeOffset now)
        {
            _lastUse = now;
            _pairs.Add(pair);
        }

        public void MarkRevoked(int manager)
        {
            if (State != SessionState.Revoked)
            {
                State = SessionState.Revoked;
                RevokedBy = manager;
            }
        }

        public override string ToString() => $"session {Id[..6]} of {Subject} at generation {Generation} ({State})";
    }
}
