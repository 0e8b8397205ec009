using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <content>Idle and absolute expiry, walked on both sides of each boundary with the fake clock.</content>
public sealed partial class SessionManagerTests
{
    private static readonly TimeSpan s_idleTimeout = SessionPolicy.Default.IdleTimeout;
    private static readonly TimeSpan s_absolute = SessionPolicy.Default.AbsoluteLifetime;
    private static readonly TimeSpan s_skew = new SessionManagerOptions().ClockSkew;

    [Test]
    public async Task Refresh_OneTickBeforeIdleDeadline_Rotates()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _time.Advance(s_idleTimeout - TimeSpan.FromTicks(1));

        var result = await manager.RefreshAsync(tokens.RefreshToken);

        result.Status.Should().Be(RefreshStatus.Rotated);
        // The new idle deadline is day 28 minus a tick; exp is whole seconds, floored so it never passes the deadline.
        result.Tokens!.RefreshTokenExpiresAt.Should().Be(TestClock.Start + s_idleTimeout + s_idleTimeout - TimeSpan.FromSeconds(1));
    }

    [TestCase(0L, Description = "exactly at the idle deadline")]
    [TestCase(1L, Description = "one tick after")]
    [TestCase(TimeSpan.TicksPerDay, Description = "a day after")]
    public async Task Refresh_AtOrAfterIdleDeadline_ExpiredWithoutStoreCall(long ticksAfterDeadline)
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _time.Advance(s_idleTimeout + TimeSpan.FromTicks(ticksAfterDeadline));
        var callsBefore = _store.Calls;

        var result = await manager.RefreshAsync(tokens.RefreshToken);

        // The refresh token's own exp is the idle deadline, so it fails validation before the store is asked.
        result.Status.Should().Be(RefreshStatus.InvalidToken);
        result.TokenError.Should().Be(TokenValidationError.Expired);
        result.Tokens.Should().BeNull();
        _store.Calls.Should().Be(callsBefore, "an expired refresh token never reaches the store");
    }

    [Test]
    public async Task Refresh_Rotation_ExtendsIdleDeadlineFromTheRefresh()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromDays(10));

        tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;

        tokens.RefreshTokenExpiresAt.Should().Be(TestClock.Start + TimeSpan.FromDays(24));
        (await StoredAsync(tokens.SessionId))!.IdleExpiresAt.Should().Be(TestClock.Start + TimeSpan.FromDays(24));
        _time.SetUtcNow(TestClock.Start + TimeSpan.FromDays(24) - TimeSpan.FromTicks(1));
        (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated, "the first idle deadline (day 14) moved to day 24");
    }

    [Test]
    public async Task Refresh_RegularlyUntilAbsoluteDeadline_NeverExtendsIt()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var absolute = TestClock.Start + s_absolute;

        // Refresh every 13 days: the idle deadline never passes, but the absolute one is never moved.
        for (var day = 13; day < 30; day += 13)
        {
            _time.SetUtcNow(TestClock.Start + TimeSpan.FromDays(day));
            tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
            var expectedRefreshExpiry = Min(_time.GetUtcNow() + s_idleTimeout, absolute);
            tokens.RefreshTokenExpiresAt.Should().Be(expectedRefreshExpiry, "refresh token exp == min(idle, absolute) deadline");
            TokenParts.Expiry(tokens.RefreshToken).Should().Be(expectedRefreshExpiry);
            (await StoredAsync(tokens.SessionId))!.AbsoluteExpiresAt.Should().Be(absolute);
        }

        _time.SetUtcNow(absolute - s_skew - TimeSpan.FromSeconds(1));
        var last = await manager.RefreshAsync(tokens.RefreshToken);
        last.Status.Should().Be(RefreshStatus.Rotated);
        last.Tokens!.RefreshTokenExpiresAt.Should().Be(absolute);
        last.Tokens.AccessTokenExpiresAt.Should().Be(absolute - s_skew, "an access token ends the clock skew before the absolute deadline");
        TokenParts.Expiry(last.Tokens.AccessToken).Should().Be(absolute - s_skew);
        (await StoredAsync(tokens.SessionId))!.AbsoluteExpiresAt.Should().Be(absolute);

        // Within the last clock skew no access token fits: the session is over for new tokens.
        _time.SetUtcNow(absolute - TimeSpan.FromTicks(1));
        var inSkew = await manager.RefreshAsync(last.Tokens.RefreshToken);
        inSkew.Status.Should().Be(RefreshStatus.SessionExpired);
        inSkew.Tokens.Should().BeNull();

        _time.SetUtcNow(absolute);
        var callsBefore = _store.Calls;
        var after = await manager.RefreshAsync(last.Tokens.RefreshToken);
        after.Status.Should().Be(RefreshStatus.InvalidToken);
        after.TokenError.Should().Be(TokenValidationError.Expired);
        _store.Calls.Should().Be(callsBefore);
    }

    [Test]
    public async Task AccessToken_IssuedNearAbsoluteDeadline_EndsSkewBeforeItAndIsRejectedAtIt()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var absolute = TestClock.Start + s_absolute;
        for (var day = 13; day < 30; day += 13)
        {
            _time.SetUtcNow(TestClock.Start + TimeSpan.FromDays(day));
            tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
        }

        _time.SetUtcNow(absolute - TimeSpan.FromMinutes(2));
        var near = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;

        near.AccessTokenExpiresAt.Should().Be(absolute - s_skew, "5 minutes would pass the absolute deadline, and validators add the skew");
        _time.SetUtcNow(absolute - TimeSpan.FromTicks(1));
        manager.ValidateAccessToken(near.AccessToken).IsValid.Should().BeTrue("within the clock skew");
        _time.SetUtcNow(absolute);
        manager.ValidateAccessToken(near.AccessToken).Error.Should().Be(TokenValidationError.Expired, "no access token validates at the session's deadline");
    }

    [TestCase(1)]
    [TestCase(999)]
    public async Task Refresh_TheClockCrossesIntoTheDeadlineSecondDuringTheStoreCall_RotatesWithTokensEndingAtTheDeadline(int millisecondsBefore)
    {
        // The deadline is checked at the instant the refresh began; the store's round trip then carries the clock into the
        // deadline's own second. The pair is minted at that same instant, so it cannot find "no time left" and throw.
        var policy = SessionPolicy.Default with { IdleTimeout = TimeSpan.FromMinutes(45), AbsoluteLifetime = TimeSpan.FromHours(1) };
        using var manager = CreateManager(policy);
        var tokens = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(20));
        tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
        var deadline = TestClock.Start + TimeSpan.FromHours(1);
        var accessDeadline = deadline - s_skew;
        _time.SetUtcNow(accessDeadline - TimeSpan.FromMilliseconds(millisecondsBefore));
        _store.AfterRotate = () => _time.Advance(TimeSpan.FromMilliseconds(millisecondsBefore + 5));

        var result = await manager.RefreshAsync(tokens.RefreshToken);

        _store.AfterRotate = null;
        result.Status.Should().Be(RefreshStatus.Rotated);
        result.Tokens!.AccessTokenExpiresAt.Should().Be(accessDeadline);
        result.Tokens.RefreshTokenExpiresAt.Should().Be(deadline);
        TokenParts.Payload(result.Tokens.AccessToken).GetProperty("iat").GetInt64().Should().Be(accessDeadline.ToUnixTimeSeconds() - 1);
    }

    [Test]
    public async Task Refresh_GraceReissueLateInTheWindow_AccessTokenEndsAtTheIdleDeadline()
    {
        // A grace re-issue does not move the idle deadline, and grace plus the access lifetime may pass it: the access token
        // is cut at the session's end, so no token of an ended session (which "log out everywhere" skips) stays valid.
        var policy = SessionPolicy.Default with
        {
            AccessTokenLifetime = TimeSpan.FromMinutes(5),
            IdleTimeout = TimeSpan.FromMinutes(6),
            AbsoluteLifetime = TimeSpan.FromHours(1),
            RefreshGracePeriod = TimeSpan.FromMinutes(4),
        };
        using var manager = CreateManager(policy);
        var first = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(1));
        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
        _time.Advance(TimeSpan.FromMinutes(4));

        var grace = await manager.RefreshAsync(first.RefreshToken);

        grace.Status.Should().Be(RefreshStatus.GraceReissued);
        var idleDeadline = TestClock.Start + TimeSpan.FromMinutes(7);
        (await StoredAsync(first.SessionId))!.ExpiresAt.Should().Be(idleDeadline);
        grace.Tokens!.AccessTokenExpiresAt.Should().Be(idleDeadline - s_skew, "5 minutes from now would end 3 minutes after the session");
        TokenParts.Expiry(grace.Tokens.AccessToken).Should().Be(idleDeadline - s_skew);
        grace.Tokens.RefreshTokenExpiresAt.Should().Be(idleDeadline);
    }

    [Test]
    public async Task Refresh_TokenOutlivingSessionDeadline_StoreSaysExpiredAndNothingIsWritten()
    {
        // A refresh token whose exp lies past its session's deadline (for example minted by a server with a longer policy
        // sharing the store): the store's own deadlines still end the session, with no write.
        using var manager = CreateManager(SessionPolicy.Default with { IdleTimeout = TimeSpan.FromHours(1), AbsoluteLifetime = TimeSpan.FromDays(1) });
        var tokens = await manager.StartSessionAsync("alice");
        var longLived = MintRefresh(tokens.SessionId, generation: 0, lifetime: TimeSpan.FromDays(2));
        _time.Advance(TimeSpan.FromHours(1));
        var before = await StoredAsync(tokens.SessionId);

        var result = await manager.RefreshAsync(longLived);

        result.Status.Should().Be(RefreshStatus.SessionExpired);
        result.SessionId.Should().Be(tokens.SessionId);
        result.Subject.Should().Be("alice");
        result.Tokens.Should().BeNull();
        (await StoredAsync(tokens.SessionId)).Should().Be(before);
        _store.Revokes.Should().Be(0);
    }

    [Test]
    public async Task Refresh_TokenOutlivingSessionDeadline_OneTickBeforeDeadlineRotates()
    {
        using var manager = CreateManager(SessionPolicy.Default with { IdleTimeout = TimeSpan.FromHours(1), AbsoluteLifetime = TimeSpan.FromDays(1) });
        var tokens = await manager.StartSessionAsync("alice");
        var longLived = MintRefresh(tokens.SessionId, generation: 0, lifetime: TimeSpan.FromDays(2));
        _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromTicks(1));

        (await manager.RefreshAsync(longLived)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task Refresh_StaleGenerationAfterDeadline_ExpiredNotReuse()
    {
        // After the deadline a stale token is not evidence of theft: no revocation, no event.
        using var manager = CreateManager(SessionPolicy.Default with { IdleTimeout = TimeSpan.FromHours(1), AbsoluteLifetime = TimeSpan.FromDays(1) });
        var raised = 0;
        manager.ReuseDetected += (_, _) => raised++;
        var tokens = await manager.StartSessionAsync("alice");
        await manager.RefreshAsync(tokens.RefreshToken);
        var stale = MintRefresh(tokens.SessionId, generation: 0, lifetime: TimeSpan.FromDays(2));
        _time.Advance(TimeSpan.FromHours(1));

        var result = await manager.RefreshAsync(stale);

        result.Status.Should().Be(RefreshStatus.SessionExpired);
        raised.Should().Be(0);
        _store.Revokes.Should().Be(0);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
