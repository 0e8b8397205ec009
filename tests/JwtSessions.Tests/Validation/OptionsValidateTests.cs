using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>The options' <c>Validate()</c>: every problem at once, the same rules the constructors enforce.</summary>
public sealed class OptionsValidateTests
{
    [Test]
    public void TokenValidatorOptions_Validate_ListsEveryProblem()
    {
        var options = new TokenValidatorOptions { ClockSkew = TimeSpan.FromHours(1), MaxTokenSize = 10 };
        options.AcceptedTypes.Clear();

        var problems = options.Validate();

        problems.Should().HaveCount(6);
        problems.Should().Contain("A key ring (Keys) or a key source (KeySource) is required.");
        problems.Should().Contain(p => p.StartsWith("The clock skew must be between 0 and", StringComparison.Ordinal));
    }

    [Test]
    public void TokenValidatorOptions_ValidateOnValidOptions_IsEmptyAndTheConstructorAccepts()
    {
        var options = new TokenValidatorOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Es256) };
        options.Audiences.Add(RawToken.Audience);

        options.Validate().Should().BeEmpty();
        var build = () => new TokenValidator(options);
        build.Should().NotThrow();
    }

    [Test]
    public void TokenValidator_Constructor_ThrowsWithEveryProblemValidateFound()
    {
        var options = new TokenValidatorOptions { Keys = KeyRing.Create(TestKeys.Es256) };

        var build = () => new TokenValidator(options);

        build.Should().Throw<ArgumentException>().WithMessage("An issuer is required*At least one non-empty audience is required*");
    }

    [Test]
    public void TokenIssuerOptions_Validate_ListsEveryProblem()
    {
        var options = new TokenIssuerOptions { Type = "bad type", MaxLifetime = TimeSpan.Zero };

        var problems = options.Validate();

        problems.Should().BeEquivalentTo(
            "An issuer is required.",
            "At least one non-empty audience is required.",
            "The type must be a media type without parameters: 1 to 64 letters, digits or !#$&^_.+- characters, optionally after \"application/\".",
            "A key ring with an active signing key is required.",
            $"The maximum lifetime must be between 1 second and {TokenIssuerOptions.MaxAllowedLifetime}.");
    }
}
