using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <content>Policy defaults, presets, and nonsensical policies failing at construction with a message naming the problem.</content>
public sealed partial class SessionManagerTests
{
    private static IEnumerable<TestCaseData> NonsensicalPolicies()
    {
        var d = SessionPolicy.Default;
        yield return Case(d with { AccessTokenLifetime = TimeSpan.Zero }, "access-token lifetime must be at least 1 second", "AccessZero");
        yield return Case(d with { AccessTokenLifetime = TimeSpan.FromMilliseconds(999) }, "access-token lifetime must be at least 1 second", "AccessUnderOneSecond");
        yield return Case(d with { AccessTokenLifetime = TimeSpan.FromHours(24) + TimeSpan.FromTicks(1) }, "access-token lifetime must be at most 24 hours", "AccessOver24Hours");
        yield return Case(d with { IdleTimeout = TimeSpan.Zero }, "idle timeout must be positive", "IdleZero");
        yield return Case(d with { IdleTimeout = TimeSpan.FromDays(-1) }, "idle timeout must be positive", "IdleNegative");
        yield return Case(d with { AbsoluteLifetime = TimeSpan.Zero }, "absolute lifetime must be positive", "AbsoluteZero");
        yield return Case(d with { AbsoluteLifetime = TimeSpan.FromDays(401), IdleTimeout = TimeSpan.FromDays(1) }, "absolute lifetime must be at most 400 days", "AbsoluteOver400Days");
        yield return Case(d with { AbsoluteLifetime = TimeSpan.MaxValue }, "absolute lifetime must be at most 400 days", "AbsoluteUnbounded");
        yield return Case(d with { AbsoluteLifetime = TimeSpan.FromDays(7) }, "absolute lifetime must not be shorter than the idle timeout", "AbsoluteShorterThanIdle");
        yield return Case(d with { IdleTimeout = TimeSpan.FromMinutes(5) }, "access-token lifetime must be shorter than the idle timeout", "IdleEqualsAccess");
        yield return Case(d with { IdleTimeout = TimeSpan.FromMinutes(1) }, "access-token lifetime must be shorter than the idle timeout", "IdleShorterThanAccess");
        yield return Case(d with { RefreshGracePeriod = TimeSpan.FromTicks(-1) }, "grace period must not be negative", "GraceNegative");
        yield return Case(d with { RefreshGracePeriod = TimeSpan.FromMinutes(5) }, "grace period must be shorter than the access-token lifetime", "GraceEqualsAccess");
        yield return Case(d with { MaxSessionsPerSubject = 0 }, "per-subject session cap must be positive", "CapZero");
        yield return Case(d with { MaxSessionsPerSubject = -3 }, "per-subject session cap must be positive", "CapNegative");
        yield return Case(d with { MaxSessionsPerSubject = 10_001 }, "per-subject session cap must be at most 10000", "CapOverTheLimit");

        static TestCaseData Case(SessionPolicy policy, string message, string name)
            => new TestCaseData(policy, message).SetName("Constructor_Policy" + name + "_ThrowsNamingTheProblem");
    }

    [TestCaseSource(nameof(NonsensicalPolicies))]
    public void Constructor_NonsensicalPolicy_ThrowsNamingTheProblem(SessionPolicy policy, string message)
    {
        var build = () => CreateManager(policy);

        build.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
        policy.Invoking(p => p.Validate()).Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Test]
    public void Constructor_IdleTimeoutNotASecondOverTheClockSkew_Throws()
    {
        // Access tokens end ClockSkew before the session's deadline: a new session must have room for one.
        var policy = SessionPolicy.Default with { AccessTokenLifetime = TimeSpan.FromSeconds(1), IdleTimeout = TimeSpan.FromSeconds(30), RefreshGracePeriod = TimeSpan.Zero };

        var build = () => CreateManager(policy);

        build.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Policy.IdleTimeout must exceed ClockSkew");
        CreateManager(policy with { IdleTimeout = TimeSpan.FromSeconds(31) }).Policy.IdleTimeout.Should().Be(TimeSpan.FromSeconds(31));
    }

    [Test]
    public void Default_Policy_HasDocumentedValues()
    {
        var policy = SessionPolicy.Default;

        policy.AccessTokenLifetime.Should().Be(TimeSpan.FromMinutes(5));
        policy.IdleTimeout.Should().Be(TimeSpan.FromDays(14));
        policy.AbsoluteLifetime.Should().Be(TimeSpan.FromDays(30));
        policy.RefreshGracePeriod.Should().Be(TimeSpan.FromSeconds(10));
        policy.MaxSessionsPerSubject.Should().Be(200);
        policy.PersistentRefreshToken.Should().BeTrue();
        new SessionManagerOptions().Policy.Should().BeSameAs(SessionPolicy.Default);
    }

    [Test]
    public void Presets_RememberMeAndShortLived_HaveDocumentedValuesAndValidate()
    {
        SessionPolicy.RememberMe.IdleTimeout.Should().Be(TimeSpan.FromDays(30));
        SessionPolicy.RememberMe.AbsoluteLifetime.Should().Be(TimeSpan.FromDays(90));
        SessionPolicy.RememberMe.AccessTokenLifetime.Should().Be(TimeSpan.FromMinutes(5));
        SessionPolicy.RememberMe.PersistentRefreshToken.Should().BeTrue();
        SessionPolicy.ShortLived.IdleTimeout.Should().Be(TimeSpan.FromMinutes(30));
        SessionPolicy.ShortLived.AbsoluteLifetime.Should().Be(TimeSpan.FromHours(12));
        SessionPolicy.ShortLived.AccessTokenLifetime.Should().Be(TimeSpan.FromMinutes(5));
        SessionPolicy.ShortLived.PersistentRefreshToken.Should().BeFalse();
        foreach (var policy in new[] { SessionPolicy.Default, SessionPolicy.RememberMe, SessionPolicy.ShortLived })
        {
            policy.Invoking(p => p.Validate()).Should().NotThrow();
            CreateManager(policy).Policy.Should().BeSameAs(policy);
        }
    }

    [Test]
    public async Task ShortLived_Session_EndsAfterThirtyIdleMinutes()
    {
        using var manager = CreateManager(SessionPolicy.ShortLived);
        var tokens = await manager.StartSessionAsync("alice");

        tokens.RefreshTokenExpiresAt.Should().Be(TestClock.Start + TimeSpan.FromMinutes(30));
        _time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromTicks(1));
        tokens = (await manager.RefreshAsync(tokens.RefreshToken)).Tokens!;
        _time.Advance(TimeSpan.FromMinutes(30));
        (await manager.RefreshAsync(tokens.RefreshToken)).TokenError.Should().Be(TokenValidationError.Expired);
    }

    [Test]
    public void Constructor_NullPolicy_Throws()
    {
        var build = () => CreateManager(configure: o => o.Policy = null!);

        build.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Policy is required");
    }

    [Test]
    public void Constructor_RefreshAudienceEqualToAccessAudience_Throws()
    {
        var build = () => CreateManager(configure: o => o.RefreshAudience = RawToken.Audience);

        build.Should().Throw<ArgumentException>().Which.Message.Should().Contain("audience of their own");
    }

    [TestCase(null, RawToken.Audience)]
    [TestCase(RawToken.Issuer, null)]
    [TestCase("", RawToken.Audience)]
    public void Constructor_MissingIssuerOrAudience_Throws(string? issuer, string? audience)
    {
        var build = () => CreateManager(configure: o =>
        {
            o.Issuer = issuer;
            o.Audience = audience;
        });

        build.Should().Throw<ArgumentException>();
    }

    [Test]
    public void Constructor_MissingAccessKeys_Throws()
    {
        var build = () => CreateManager(configure: o => o.AccessTokenKeys = null);

        build.Should().Throw<ArgumentException>().Which.Message.Should().Contain("AccessTokenKeys is required");
    }

    [Test]
    public void Create_StoreOutsideThisProcessWithoutRefreshKeys_WarnsThatRefreshTokensWillNotTravel()
    {
        // TestSessionStore stands for any store that is not the in-process default, which is there to be shared.
        var logger = new ListLogger();

        using var manager = CreateManager(configure: static o => o.RefreshTokenKeys = null, logger: logger);

        logger.Entries.Should().ContainSingle(static e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning)
            .Which.Message.Should().Contain("RefreshTokenKeys is not set").And.Contain(nameof(TestSessionStore));
    }

    [Test]
    public void Create_StoreOutsideThisProcessWithRefreshKeys_DoesNotWarn()
    {
        var logger = new ListLogger();

        using var manager = CreateManager(logger: logger);

        logger.Entries.Should().BeEmpty();
    }

    [Test]
    public void Create_InProcessStoreWithoutRefreshKeys_DoesNotWarn()
    {
        var logger = new ListLogger();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });

        using var manager = CreateManager(configure: static o => o.RefreshTokenKeys = null, store: store, logger: logger);

        logger.Entries.Should().BeEmpty();
    }
}
