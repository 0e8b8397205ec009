using System.Security.Claims;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Validators = JwtSessions.Tests.Support.Validators;

namespace JwtSessions.Tests.Interop;

/// <summary>Tokens minted by Microsoft's <see cref="JsonWebTokenHandler"/> validate with our <see cref="TokenValidator"/>.</summary>
public sealed class ValidatorAcceptsMicrosoftTests
{
    [TestCaseSource(typeof(InteropCases), nameof(InteropCases.AlgorithmsAndImports))]
    public void Validate_TokenFromJsonWebTokenHandler_IsValidWithClaims(JwtAlgorithm algorithm, KeyImport import)
    {
        var time = TestClock.Create();
        var token = new JsonWebTokenHandler().CreateToken(Descriptor(MicrosoftKeys.Signing(algorithm), algorithm, time));
        var key = Import(MicrosoftKeys.Verification(algorithm), algorithm, import);

        var result = Validators.For(key, time).ValidateToken(token);

        result.Error.Should().Be(TokenValidationError.None);
        result.Subject.Should().Be("alice");
        result.TokenId.Should().Be("ms-jti-1");
        result.SessionId.Should().Be("s-9");
        result.Audiences.Should().Equal(RawToken.Audience);
        result.Scopes.Should().Equal("read", "write");
        result.Claims!.Issuer.Should().Be(RawToken.Issuer);
        result.IssuedAt.Should().Be(TestClock.Start);
        result.Claims.NotBefore.Should().Be(TestClock.Start);
        result.ExpiresAt.Should().Be(TestClock.Start.AddMinutes(5));
        result.TryGetClaim("tenant", out var tenant).Should().BeTrue();
        tenant.GetString().Should().Be("t-1");
    }

    [TestCaseSource(typeof(InteropCases), nameof(InteropCases.AlgorithmsAndImports))]
    public void Validate_TokenFromJsonWebTokenHandlerAfterExpiry_ReturnsExpired(JwtAlgorithm algorithm, KeyImport import)
    {
        var time = TestClock.Create();
        var token = new JsonWebTokenHandler().CreateToken(Descriptor(MicrosoftKeys.Signing(algorithm), algorithm, time));
        var validator = Validators.For(Import(MicrosoftKeys.Verification(algorithm), algorithm, import), time);
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));

        validator.ValidateToken(token).Error.Should().Be(TokenValidationError.Expired);
    }

    [TestCaseSource(typeof(InteropCases), nameof(InteropCases.Algorithms))]
    public async Task FromSecurityKey_MicrosoftSigningKey_SignsTokensMicrosoftAccepts(JwtAlgorithm algorithm)
    {
        // The private (or secret) Microsoft key imported as is can sign; Microsoft verifies with its own key object.
        var time = TestClock.Create();
        var microsoftKey = MicrosoftKeys.Signing(algorithm);
        var ours = SigningKey.FromSecurityKey(microsoftKey, algorithm);
        ours.CanSign.Should().BeTrue();
        ours.KeyId.Should().Be(microsoftKey.KeyId);
        var token = MicrosoftValidatesIssuerTests.CreateIssuer(ours, time).Issue(MicrosoftValidatesIssuerTests.Descriptor()).Token;
        var parameters = MicrosoftValidatesIssuerTests.StrictParameters(ours, time);
        parameters.IssuerSigningKey = MicrosoftKeys.Verification(algorithm);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);

        result.Exception.Should().BeNull();
        result.IsValid.Should().BeTrue();
    }

    [Test]
    public void Validate_TokenFromJsonWebTokenHandlerWithOtherTyp_ReturnsWrongType()
    {
        var time = TestClock.Create();
        var descriptor = Descriptor(MicrosoftKeys.Signing(JwtAlgorithm.ES256), JwtAlgorithm.ES256, time);
        descriptor.TokenType = null; // Microsoft then writes "typ":"JWT", which is not an access token (RFC 9068 §4).
        var token = new JsonWebTokenHandler().CreateToken(descriptor);
        var key = Import(MicrosoftKeys.Verification(JwtAlgorithm.ES256), JwtAlgorithm.ES256, KeyImport.SecurityKey);

        Validators.For(key, time).ValidateToken(token).Error.Should().Be(TokenValidationError.WrongType);
    }

    internal static SigningKey Import(SecurityKey key, JwtAlgorithm algorithm, KeyImport import) => import switch
    {
        KeyImport.SecurityKey => SigningKey.FromSecurityKey(key, algorithm),
        _ => SigningKey.FromJsonWebKey(JsonWebKeyConverter.ConvertFromSecurityKey(key), algorithm),
    };

    internal static SecurityTokenDescriptor Descriptor(SecurityKey signingKey, JwtAlgorithm algorithm, FakeTimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return new SecurityTokenDescriptor
        {
            TokenType = "at+jwt",
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", "alice")]),
            Claims = new Dictionary<string, object>
            {
                ["jti"] = "ms-jti-1",
                ["sid"] = "s-9",
                ["scope"] = "read write",
                ["tenant"] = "t-1",
            },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = new SigningCredentials(signingKey, algorithm.GetName()),
        };
    }
}
