using System.Text.Json;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Issuance;

/// <summary>
/// What the issuer accepts, its own validator accepts and reads back unchanged: input that would be signed as something
/// else (a lone surrogate turned into U+FFFD, a scope with a space) or that the validator would reject is refused at minting.
/// </summary>
public sealed class TokenIssuerInputTests
{
    private readonly TokenIssuer _issuer = CreateIssuer();
    private readonly TokenValidator _validator = Validators.For(TestKeys.Hs256);

    // Strings with lone surrogates are made in code and the cases named without them: attribute strings are stored as UTF-8,
    // and a test name holding a lone surrogate does not reach the runner.
    private static IEnumerable<TestCaseData> NotUnicode()
    {
        yield return new TestCaseData("user-\uD800").SetName("Issue_SubjectEndingInALoneHighSurrogate_IsRefused");
        yield return new TestCaseData("user-\uDFFF").SetName("Issue_SubjectEndingInALoneLowSurrogate_IsRefused");
        yield return new TestCaseData("\uDC00\uD800-user").SetName("Issue_SubjectWithSurrogatesInTheWrongOrder_IsRefused");
    }

    [TestCaseSource(nameof(NotUnicode))]
    public void Issue_SubjectThatIsNotUnicodeText_IsRefused(string subject)
    {
        // Signed, each would read back as "user-\uFFFD": three identities sharing one subject.
        var act = () => _issuer.Issue(new AccessTokenDescriptor { Subject = subject });

        act.Should().Throw<ArgumentException>().WithMessage("*unpaired surrogate*");
    }

    [TestCase("user-\uFFFD")]
    [TestCase("user-\U0001F600")]
    [TestCase("\"quoted\\ and\ttabbed\"")]
    public void Issue_SubjectThatIsUnicodeText_ReadsBackExactly(string subject)
        => _validator.ValidateToken(_issuer.Issue(new AccessTokenDescriptor { Subject = subject }).Token).Subject.Should().Be(subject);

    [Test]
    public void Issue_OtherStringsThatAreNotUnicodeText_AreRefused()
    {
        var lone = "x\uD800";
        var cases = new Func<AccessTokenDescriptor>[]
        {
            () => new AccessTokenDescriptor { Subject = "s", SessionId = lone },
            () => new AccessTokenDescriptor { Subject = "s", ClientId = lone },
            () => new AccessTokenDescriptor { Subject = "s", Scopes = { "read", lone } },
            () => new AccessTokenDescriptor { Subject = "s", Claims = { [lone] = 1 } },
            () => new AccessTokenDescriptor { Subject = "s", Claims = { ["x\uD800"] = 1, ["x\uDC00"] = 2 } },
            () => new AccessTokenDescriptor { Subject = "s", Claims = { ["note"] = lone } },
            () => new AccessTokenDescriptor { Subject = "s", Claims = { ["notes"] = new[] { "ok", lone } } },
            () => new AccessTokenDescriptor { Subject = "s", Claims = { ["doc"] = JsonDocument.Parse("\"\\ud800\"").RootElement } },
        };

        foreach (var descriptor in cases)
        {
            FluentActions.Invoking(() => _issuer.Issue(descriptor())).Should().Throw<ArgumentException>().WithMessage("*surrogate*");
        }
    }

    [Test]
    public void Issue_EmptySessionId_IsRefusedAsTheValidatorWouldRejectIt()
    {
        var act = () => _issuer.Issue(new AccessTokenDescriptor { Subject = "s", SessionId = string.Empty });

        act.Should().Throw<ArgumentException>().WithMessage("*session id*");
    }

    [TestCase("orders:read admin")]
    [TestCase("")]
    [TestCase(null)]
    public void Issue_ScopeNameEmptyOrWithASpace_IsRefused(string? scope)
    {
        // "orders:read admin" would be read back as two scopes, "" as none.
        var act = () => _issuer.Issue(new AccessTokenDescriptor { Subject = "s", Scopes = { "read", scope! } });

        act.Should().Throw<ArgumentException>().WithMessage("*scope name*");
    }

    [TestCase("""{"a":1,"a":2}""")]
    [TestCase("""[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]""")]
    public void Issue_JsonElementClaimTheValidatorWouldReject_IsRefused(string json)
    {
        using var document = JsonDocument.Parse(json);

        var act = () => _issuer.Issue(new AccessTokenDescriptor { Subject = "s", Claims = { ["doc"] = document.RootElement } });

        act.Should().Throw<ArgumentException>().WithMessage("*payload the validator rejects (malformed)*");
    }

    [Test]
    public void Issue_CustomClaimsUpToTheValidatorsMemberLimit_ValidateAndOneMoreIsRefused()
    {
        // 256 member names in all: the seven standard claims and 249 custom ones.
        var atLimit = new AccessTokenDescriptor { Subject = "s" };
        for (var i = 0; i < 249; i++)
        {
            atLimit.Claims["c" + i] = i;
        }

        var over = new AccessTokenDescriptor { Subject = "s" };
        foreach (var (name, value) in atLimit.Claims)
        {
            over.Claims[name] = value;
        }

        over.Claims["one-more"] = 1;

        _validator.ValidateToken(_issuer.Issue(atLimit).Token).Error.Should().Be(TokenValidationError.None);
        FluentActions.Invoking(() => _issuer.Issue(over)).Should().Throw<ArgumentException>().WithMessage("*256 member names*");
    }

    [Test]
    public void Issue_AfterARefusedPayload_NextTokenIsClean()
    {
        using var document = JsonDocument.Parse("""{"a":1,"a":2}""");
        FluentActions.Invoking(() => _issuer.Issue(new AccessTokenDescriptor { Subject = "mallory", Claims = { ["doc"] = document.RootElement } }))
            .Should().Throw<ArgumentException>();

        var result = _validator.ValidateToken(_issuer.Issue(new AccessTokenDescriptor { Subject = "bob" }).Token);

        result.Subject.Should().Be("bob");
        result.TryGetClaim("doc", out _).Should().BeFalse();
    }

    private static TokenIssuer CreateIssuer()
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Hs256), TimeProvider = TestClock.Create() };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }
}
