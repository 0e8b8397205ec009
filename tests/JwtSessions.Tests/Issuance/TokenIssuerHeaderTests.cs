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
}
