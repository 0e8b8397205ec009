using System.Buffers.Text;
using System.Text;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issuance;

public sealed class TokenIssuerHeaderTests
{
    [Test]
    public void Issue_Header_IsExactlyAlgKidTypWithoutEscapes()
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Es256), TimeProvider = TestClock.Create() };
        options.Audiences.Add(RawToken.Audience);

        var token = new TokenIssuer(options).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;
        var header = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))));

        header.Should().Be($$"""{"alg":"ES256","kid":"{{TestKeys.Es256.KeyId}}","typ":"at+jwt"}""");
    }

    [Test]
    public void Issue_CustomType_IsWrittenAndAValidatorAcceptingItReadsTheToken()
    {
        var time = TestClock.Create();
        var keys = KeyRing.Create(TestKeys.Es256);
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = keys, TimeProvider = time, Type = "application/orders+jwt" };
        options.Audiences.Add(RawToken.Audience);
        var validatorOptions = new JwtSessions.Validation.TokenValidatorOptions { Issuer = RawToken.Issuer, Keys = keys, TimeProvider = time };
        validatorOptions.Audiences.Add(RawToken.Audience);
        validatorOptions.AcceptedTypes.Clear();
        validatorOptions.AcceptedTypes.Add("orders+jwt");

        var token = new TokenIssuer(options).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;

        Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))))
            .Should().EndWith("\"typ\":\"application/orders+jwt\"}");
        new JwtSessions.Validation.TokenValidator(validatorOptions).ValidateToken(token).Subject.Should().Be("alice");
    }

    [TestCase("")]
    [TestCase("application/")]
    [TestCase("at+jwt; charset=utf-8")]
    [TestCase("at\"jwt")]
    [TestCase("a/b/c")]
    public void Constructor_TypeThatIsNotAMediaType_Throws(string type)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Es256), Type = type };
        options.Audiences.Add(RawToken.Audience);

        var build = () => new TokenIssuer(options);

        build.Should().Throw<ArgumentException>().WithMessage("The type must be a media type*");
    }
}
