using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// Both sides of every time boundary (RFC 7519 §4.1.4-§4.1.6, docs/security.md, checklist items 25 to 27) and the required claims.
/// The default skew is 30 seconds; the clock is advanced in milliseconds to land just before and exactly on each edge.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class TokenValidatorLifetimeTests
{
    private static readonly long s_now = TestClock.StartSeconds;
    private readonly FakeTimeProvider _time = TestClock.Create();

    // exp = start + 300 s: valid while now < exp + skew.
    [TestCase(30, 330_000 - 1, TokenValidationError.None)]
    [TestCase(30, 330_000, TokenValidationError.Expired)]
    [TestCase(0, 300_000 - 1, TokenValidationError.None)]
    [TestCase(0, 300_000, TokenValidationError.Expired)]
    [TestCase(120, 420_000 - 1, TokenValidationError.None)]
    [TestCase(120, 420_000, TokenValidationError.Expired)]
    [TestCase(300, 600_000, TokenValidationError.Expired)]
    public void Validate_AroundExpiry_ExpiresAtExpPlusSkew(int skewSeconds, int advanceMs, TokenValidationError expected)
    {
        var token = Token(("exp", Forge.Number(s_now + 300)));
        _time.Advance(TimeSpan.FromMilliseconds(advanceMs));

        Create(skewSeconds).ValidateToken(token).Error.Should().Be(expected);
    }

    [TestCase(330_250 - 1, TokenValidationError.None)]
    [TestCase(330_250, TokenValidationError.Expired)]
    public void Validate_AroundFractionalExpiry_KeepsTheFraction(int advanceMs, TokenValidationError expected)
    {
        var token = Token(("exp", Forge.Number(s_now + 300) + ".25"));
        _time.Advance(TimeSpan.FromMilliseconds(advanceMs));

        Create(30).ValidateToken(token).Error.Should().Be(expected);
    }

    // nbf = start + 60 s: valid once now + skew >= nbf.
    [TestCase(30, 30_000 - 1, TokenValidationError.NotYetValid)]
    [TestCase(30, 30_000, TokenValidationError.None)]
    [TestCase(0, 60_000 - 1, TokenValidationError.NotYetValid)]
    [TestCase(0, 60_000, TokenValidationError.None)]
    public void Validate_AroundNotBefore_BecomesValidAtNbfMinusSkew(int skewSeconds, int advanceMs, TokenValidationError expected)
    {
        var token = Token(("nbf", Forge.Number(s_now + 60)));
        _time.Advance(TimeSpan.FromMilliseconds(advanceMs));

        Create(skewSeconds).ValidateToken(token).Error.Should().Be(expected);
    }

    // iat = start + 60 s: in the future until now + skew reaches it.
    [TestCase(30, 30_000 - 1, TokenValidationError.IssuedInFuture)]
    [TestCase(30, 30_000, TokenValidationError.None)]
    [TestCase(0, 60_000 - 1, TokenValidationError.IssuedInFuture)]
    [TestCase(0, 60_000, TokenValidationError.None)]
    public void Validate_AroundFutureIssuedAt_RejectsBeyondSkew(int skewSeconds, int advanceMs, TokenValidationError expected)
    {
        var token = Token(("iat", Forge.Number(s_now + 60)));
        _time.Advance(TimeSpan.FromMilliseconds(advanceMs));

        Create(skewSeconds).ValidateToken(token).Error.Should().Be(expected);
    }

    // iat = start, MaxTokenAge 10 min: too old once now - iat > age + skew.
    [TestCase(30, 630_000, TokenValidationError.None)]
    [TestCase(30, 630_000 + 1, TokenValidationError.TooOld)]
    [TestCase(0, 600_000, TokenValidationError.None)]
    [TestCase(0, 600_000 + 1, TokenValidationError.TooOld)]
    public void Validate_AroundMaxTokenAge_RejectsOlderTokens(int skewSeconds, int advanceMs, TokenValidationError expected)
    {
        var token = Token(("exp", Forge.Number(s_now + 3600)));
        _time.Advance(TimeSpan.FromMilliseconds(advanceMs));

        Create(skewSeconds, o => o.MaxTokenAge = TimeSpan.FromMinutes(10)).ValidateToken(token).Error.Should().Be(expected);
    }

    [Test]
    public void Validate_NoMaxTokenAge_AcceptsOldIssuedAt()
    {
        var token = Token(("iat", Forge.Number(s_now - 86_400)));

        Create(30).ValidateToken(token).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public void Validate_AtTheLastRepresentableInstant_DoesNotOverflow()
    {
        // The largest exp in range, checked at DateTimeOffset.MaxValue: exp + skew and now + skew must not wrap.
        _time.SetUtcNow(DateTimeOffset.MaxValue);
        var token = Token(("exp", "253402300799"), ("iat", "253402300000"), ("nbf", "253402300799.5"));

        Create(30).ValidateToken(token).Error.Should().Be(TokenValidationError.None);
        Create(0).ValidateToken(token).Error.Should().Be(TokenValidationError.Expired);
    }

    [Test]
    public void Validate_RandomExpNbfAndClock_AcceptsExactlyInsideTheWindow()
    {
        // docs/security.md, test bar 3: accept <=> nbf - skew <= now < exp + skew. Fractions are binary (.0, .25, .5, .75) so the
        // millisecond values are exact and the property can be checked to the millisecond.
        var random = new Random(8725);
        var skewMs = 30_000;
        var start = TestClock.Start.ToUnixTimeMilliseconds();
        for (var i = 0; i < 500; i++)
        {
            var expMs = ((s_now + random.Next(-200, 200)) * 1000) + (250 * random.Next(4));
            var nbfMs = ((s_now + random.Next(-200, 200)) * 1000) + (250 * random.Next(4));
            var nowMs = start + random.Next(-200_000, 200_000);
            var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(nowMs));
            var token = Token(("exp", Seconds(expMs)), ("nbf", Seconds(nbfMs)), ("iat", Forge.Number(s_now - 1000)));

            var expected = nowMs >= expMs + skewMs ? TokenValidationError.Expired
                : nowMs + skewMs < nbfMs ? TokenValidationError.NotYetValid
                : TokenValidationError.None;
            Validators.For(TestKeys.Hs256, time).ValidateToken(token).Error.Should().Be(expected, $"exp {expMs}, nbf {nbfMs}, now {nowMs}");
        }
    }

    [TestCase("exp")]
    [TestCase("iat")]
    [TestCase("iss")]
    [TestCase("aud")]
    [TestCase("sub")]
    [TestCase("jti")]
    public void Validate_RequiredClaimMissing_ReturnsMissingClaim(string claim)
        => Create(30).ValidateToken(Token((claim, null))).Error.Should().Be(TokenValidationError.MissingClaim);

    [Test]
    public void Validate_SessionIdMissing_IsValidUnlessRequired()
    {
        var token = Token(("sid", null));

        Create(30).ValidateToken(token).Error.Should().Be(TokenValidationError.None);
        Create(30, o => o.RequireSessionId = true).ValidateToken(token).Error.Should().Be(TokenValidationError.MissingClaim);
    }

    [Test]
    public void Validate_NbfMissing_IsValid()
        => Create(30).ValidateToken(Token(("nbf", null))).Error.Should().Be(TokenValidationError.None);

    [TestCase("\"https://issuer.test\"", TokenValidationError.None)]
    [TestCase("\"https://Issuer.test\"", TokenValidationError.WrongIssuer)]
    [TestCase("\"https://issuer.test \"", TokenValidationError.WrongIssuer)]
    [TestCase("\"https://issuer.tes\"", TokenValidationError.WrongIssuer)]
    [TestCase("\"\"", TokenValidationError.WrongIssuer)]
    [TestCase("null", TokenValidationError.InvalidClaim)]
    public void Validate_Issuer_MatchesExactly(string issuerJson, TokenValidationError expected)
        => Create(30).ValidateToken(Token(("iss", issuerJson))).Error.Should().Be(expected);

    [TestCase("\"api://test\"", TokenValidationError.None)]
    [TestCase("[\"api://test\"]", TokenValidationError.None)]
    [TestCase("[\"x\",\"api://test\",\"y\"]", TokenValidationError.None)]
    [TestCase("[\"x\",\"y\"]", TokenValidationError.WrongAudience)]
    [TestCase("[]", TokenValidationError.WrongAudience)]
    [TestCase("\"\"", TokenValidationError.WrongAudience)]
    [TestCase("[\"\"]", TokenValidationError.WrongAudience)]
    [TestCase("[\"api://test\",1]", TokenValidationError.InvalidClaim)]
    [TestCase("[1,\"api://test\"]", TokenValidationError.InvalidClaim)]
    [TestCase("1", TokenValidationError.InvalidClaim)]
    [TestCase("{}", TokenValidationError.InvalidClaim)]
    public void Validate_Audience_IsAStringOrArrayOfStringsContainingOurs(string audienceJson, TokenValidationError expected)
        => Create(30).ValidateToken(Token(("aud", audienceJson))).Error.Should().Be(expected);

    [Test]
    public void Validate_SecondConfiguredAudience_IsAccepted()
    {
        var token = Token(("aud", "[\"api://second\"]"));

        Create(30, o => o.Audiences.Add("api://second")).ValidateToken(token).Error.Should().Be(TokenValidationError.None);
    }

    private static string Token(params (string Name, string? Json)[] changes)
        => RawToken.Sign(Forge.Header(TestKeys.Hs256), Forge.Claims(changes), TestKeys.Hs256);

    private static string Seconds(long milliseconds)
        => Forge.Number(milliseconds / 1000) + "." + (milliseconds % 1000).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);

    private TokenValidator Create(int skewSeconds, Action<TokenValidatorOptions>? configure = null)
        => Validators.For(TestKeys.Hs256, _time, o =>
        {
            o.ClockSkew = TimeSpan.FromSeconds(skewSeconds);
            configure?.Invoke(o);
        });
}
