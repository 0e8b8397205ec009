using System.IdentityModel.Tokens.Jwt;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.IdentityModel.Tokens;
using Validators = JwtSessions.Tests.Support.Validators;

namespace JwtSessions.Tests.Interop;

/// <summary>The legacy <see cref="JwtSecurityTokenHandler"/> (System.IdentityModel.Tokens.Jwt 8.23), both ways, with RS256.</summary>
public sealed class JwtSecurityTokenHandlerInteropTests
{
    [Test]
    public void Validate_TokenFromJwtSecurityTokenHandler_IsValid()
    {
        var time = TestClock.Create();
        var handler = new JwtSecurityTokenHandler();
        var descriptor = ValidatorAcceptsMicrosoftTests.Descriptor(MicrosoftKeys.Signing(JwtAlgorithm.RS256), JwtAlgorithm.RS256, time);
        var token = handler.WriteToken(handler.CreateToken(descriptor));
        var key = SigningKey.FromSecurityKey(MicrosoftKeys.Verification(JwtAlgorithm.RS256), JwtAlgorithm.RS256);

        var result = Validators.For(key, time).ValidateToken(token);

        result.Error.Should().Be(TokenValidationError.None);
        result.Subject.Should().Be("alice");
        result.TokenId.Should().Be("ms-jti-1");
        result.ExpiresAt.Should().Be(TestClock.Start.AddMinutes(5));
    }

    [Test]
    public void ValidateToken_TokenFromIssuer_IsValidWithSameClaims()
    {
        var time = TestClock.Create();
        var key = TestKeys.Rs256;
        var issued = MicrosoftValidatesIssuerTests.CreateIssuer(key, time).Issue(MicrosoftValidatesIssuerTests.Descriptor());
        var handler = new JwtSecurityTokenHandler { MapInboundClaims = false };

        var principal = handler.ValidateToken(issued.Token, MicrosoftValidatesIssuerTests.StrictParameters(key, time), out var validated);

        var jwt = (JwtSecurityToken)validated;
        jwt.Header.Alg.Should().Be("RS256");
        jwt.Header.Kid.Should().Be(key.KeyId);
        jwt.Header.Typ.Should().Be("at+jwt");
        jwt.Subject.Should().Be("alice");
        jwt.Id.Should().Be(issued.TokenId);
        jwt.ValidTo.Should().Be(issued.ExpiresAt.UtcDateTime);
        principal.FindFirst("sid")!.Value.Should().Be("s-1");
        principal.FindFirst("scope")!.Value.Should().Be("read write");
    }

    [Test]
    public void ValidateToken_FakeClockPastExpiry_Throws()
    {
        var time = TestClock.Create();
        var key = TestKeys.Rs256;
        var token = MicrosoftValidatesIssuerTests.CreateIssuer(key, time).Issue(MicrosoftValidatesIssuerTests.Descriptor()).Token;
        var parameters = MicrosoftValidatesIssuerTests.StrictParameters(key, time);
        time.Advance(TimeSpan.FromMinutes(5));

        var act = () => new JwtSecurityTokenHandler().ValidateToken(token, parameters, out _);

        act.Should().Throw<SecurityTokenExpiredException>();
    }
}
