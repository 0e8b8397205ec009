using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Validation;

public sealed class TokenValidatorRoundTripTests
{
    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public void Validate_TokenFromIssuer_IsValidWithClaims(JwtAlgorithm algorithm)
    {
        var time = TestClock.Create();
        var key = TestKeys.For(algorithm);
        var issuer = CreateIssuer(key, time);
        var issued = issuer.Issue(new AccessTokenDescriptor { Subject = "alice", SessionId = "s-1", Scopes = { "read", "write" } });

        var result = Validators.For(key.CanSign && key.KeyType != SigningKeyType.Symmetric ? key.ToPublicKey() : key, time).ValidateToken(issued.Token);

        result.Error.Should().Be(TokenValidationError.None);
        result.IsValid.Should().BeTrue();
        result.Subject.Should().Be("alice");
        result.SessionId.Should().Be("s-1");
        result.TokenId.Should().Be(issued.TokenId);
        result.Scopes.Should().Equal("read", "write");
        result.ExpiresAt.Should().Be(TestClock.Start.AddMinutes(5));
    }

    [Test]
    public void Validate_BearerHeader_IsValid()
    {
        var token = RawToken.Valid(TestKeys.Hs256);

        Validators.For(TestKeys.Hs256).ValidateAuthorizationHeader("bearer " + token).IsValid.Should().BeTrue();
        Validators.For(TestKeys.Hs256).ValidateAuthorizationHeader(System.Text.Encoding.ASCII.GetBytes("Bearer " + token)).IsValid.Should().BeTrue();
    }

    [Test]
    public void ValidateAuthorizationHeader_NullOrEmpty_InvalidAuthorizationHeader()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var buffer = new byte[validator.ClaimsBufferSize];

        validator.ValidateAuthorizationHeader((string?)null).Error.Should().Be(TokenValidationError.InvalidAuthorizationHeader);
        validator.ValidateAuthorizationHeader(string.Empty).Error.Should().Be(TokenValidationError.InvalidAuthorizationHeader);
        validator.ValidateAuthorizationHeader(ReadOnlySpan<byte>.Empty).Error.Should().Be(TokenValidationError.InvalidAuthorizationHeader);
        validator.TryValidateAuthorizationHeader(ReadOnlySpan<char>.Empty, buffer, out var claims, out var error).Should().BeFalse();
        error.Should().Be(TokenValidationError.InvalidAuthorizationHeader);
        claims.IsEmpty.Should().BeTrue();
    }

    [Test]
    public void ValidateToken_NullOrEmpty_Malformed()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var buffer = new byte[validator.ClaimsBufferSize];

        validator.ValidateToken((string?)null).Error.Should().Be(TokenValidationError.Malformed);
        validator.ValidateToken(string.Empty).Error.Should().Be(TokenValidationError.Malformed);
        validator.TryValidateToken(ReadOnlySpan<byte>.Empty, buffer, out var claims, out var error).Should().BeFalse();
        error.Should().Be(TokenValidationError.Malformed);
        claims.IsEmpty.Should().BeTrue();
    }

    [Test]
    public void TryValidateToken_ValidToken_ReturnsTrueWithNoneAndClaims()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var buffer = new byte[validator.ClaimsBufferSize];

        validator.TryValidateToken(RawToken.Valid(TestKeys.Hs256), buffer, out var claims, out var error).Should().BeTrue();

        error.Should().Be(TokenValidationError.None);
        claims.IsEmpty.Should().BeFalse();
        System.Text.Encoding.UTF8.GetString(claims.SubjectUtf8).Should().Be("user-1");
    }

    [Test]
    public void Default_Result_IsInvalid()
    {
        default(JwtValidationResult).IsValid.Should().BeFalse();
        default(JwtValidationResult).Error.Should().Be(TokenValidationError.NotValidated);
    }

    [Test]
    public void Validate_AfterExpiry_ReturnsExpired()
    {
        var time = TestClock.Create();
        var token = RawToken.Valid(TestKeys.Hs256);
        time.Advance(TimeSpan.FromSeconds(300 + 30));

        Validators.For(TestKeys.Hs256, time).ValidateToken(token).Error.Should().Be(TokenValidationError.Expired);
    }

    private static TokenIssuer CreateIssuer(SigningKey key, FakeTimeProvider time)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(key), TimeProvider = time };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }
}
