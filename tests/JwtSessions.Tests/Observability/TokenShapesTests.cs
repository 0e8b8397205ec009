using System.Buffers.Text;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Observability;

/// <summary>The shapes the suite-wide log check (<see cref="SuiteLogs"/>) looks for: it finds token material and passes what logs legitimately hold.</summary>
public sealed class TokenShapesTests
{
    [Test]
    public async Task Find_TokensTheManagerMints_FindsAccessAndRefreshTokens()
    {
        var time = TestClock.Create();
        using var manager = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = KeyRing.Create(TestKeys.Hs256), RefreshTokenKeys = KeyRing.Create(TestKeys.Es256),
            },
            timeProvider: time,
            logger: SuiteLogs.For<SessionManager>());
        var tokens = await manager.StartSessionAsync("alice");

        TokenShapes.Find($"refreshing with {tokens.RefreshToken} now").Should().Be("a compact JWS");
        TokenShapes.Find($"Bearer {tokens.AccessToken}").Should().Be("a compact JWS");
        TokenShapes.Find(tokens.AccessToken[..tokens.AccessToken.LastIndexOf('.')] + ".").Should().Be("a compact JWS", "an unsigned token is one too");
        TokenShapes.Find("signature " + tokens.AccessToken[(tokens.AccessToken.LastIndexOf('.') + 1)..]).Should().StartWith("a key-length base64 run");
    }

    [TestCase(32, 43)]
    [TestCase(48, 64)]
    [TestCase(64, 86)]
    public void Find_RawKeyInBase64UrlOrBase64_FindsIt(int bytes, int characters)
    {
        // Fixed bytes spread over the alphabet (upper case, lower case, digits, and each alphabet's own two characters).
        var key = Enumerable.Range(0, bytes).Select(i => (byte)((i * 37) + 251)).ToArray();

        TokenShapes.Find($"key={Base64Url.EncodeToString(key)};").Should().Be($"a key-length base64 run ({characters} characters)");
        TokenShapes.Find($"key \"{Convert.ToBase64String(key)}\"").Should().Be($"a key-length base64 run ({characters} characters)");
    }

    [TestCase("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"abc\",\"y\":\"def\",\"d\":\"ghi\"}")]
    [TestCase("{\"kty\":\"oct\",\"k\" : \"abc\"}")]
    [TestCase("{\"kty\":\"RSA\",\"n\":\"abc\",\"e\":\"AQAB\",\"p\":\"x\"}")]
    public void Find_JwkWithPrivateMembers_FindsIt(string jwk)
        => TokenShapes.Find(jwk).Should().Be("a JWK private member");

    [TestCase("Session 4q2Vf0bRk3L1x9mZp7YwAg of subject alice revoked: Logout.")]
    [TestCase("Request starting HTTP/1.1 GET https://127.0.0.1:44321/me?x=1 - - -")]
    [TestCase("Connection id \"0HNH5C1EKV3QA\", Request id \"0HNH5C1EKV3QA:00000001\": started.")]
    [TestCase("TraceId 4bf92f3577b34da6a3ce929d0e0e4736, SpanId 00f067aa0ba902b7")]
    [TestCase("Data protection key {9b5e2a3c-7d41-4f0e-b3c8-2a6f1d9e0c55} created.")]
    [TestCase("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"abc\",\"y\":\"def\"}")]
    [TestCase("Anomaly BruteForce from client key 203.0.113.9 (signal count 20 within 00:01:00, last signal UnknownSession): blocked until 2026-01-15T12:15:00.0000000+00:00.")]
    [TestCase("Bearer was not authenticated. Failure message: The token is malformed (malformed).")]
    [TestCase("Microsoft_AspNetCore_Server_Kestrel_Core_Internal_Infrastructure")]
    public void Find_WhatLogsLegitimatelyHold_FindsNothing(string text)
        => TokenShapes.Find(text).Should().BeNull();
}
