using System.Text;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// The JWS layer on its own has no <c>typ</c> rule, so nothing after the header walk would reject a bad <c>typ</c> value:
/// the strict-JSON rules must hold inside it by themselves.
/// </summary>
public sealed class JwsVerifierTests
{
    private static readonly KeyRing s_ring = KeyRing.ForVerification(TestKeys.Hs256);

    [TestCase("""{"alg":"HS256","kid":"test-HS256","typ":"anything"}""", TokenValidationError.None)]
    [TestCase("""{"alg":"HS256","kid":"test-HS256","typ":{"a":1}}""", TokenValidationError.None)]
    [TestCase("""{"alg":"HS256","kid":"test-HS256","typ":{"a":1,"a":2}}""", TokenValidationError.Malformed)]
    [TestCase("""{"alg":"HS256","kid":"test-HS256","typ":{"a":{"b":1,"\u0062":2}}}""", TokenValidationError.Malformed)]
    [TestCase("""{"alg":"HS256","kid":"test-HS256","typ":["\ud800"]}""", TokenValidationError.Malformed)]
    [TestCase("""{"alg":"HS256","kid":"test-HS256","typ":{"a":1},"a":2}""", TokenValidationError.None)]
    public void Verify_TypValueOfAnyType_IsHeldToTheHeaderJsonRules(string header, TokenValidationError expected)
    {
        var token = RawToken.Sign(header, Forge.Claims(), TestKeys.Hs256);

        JwsVerifier.Verify(Encoding.ASCII.GetBytes(token), s_ring, out _).Should().Be(expected);
    }
}
