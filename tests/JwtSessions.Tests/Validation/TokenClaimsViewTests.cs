using System.Text;
using JwtSessions.Revocation;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Validation;

/// <summary>The allocation-free overloads: claims read in place from the caller's buffer, with the same checks as the others.</summary>
public sealed class TokenClaimsViewTests
{
    private static readonly string s_payload = RawToken.Payload(
        extra: "\"nbf\":" + TestClock.StartSeconds + ",\"scope\":\"orders:read orders:write\",\"client_id\":\"web\"");

    [Test]
    public void Validate_IntoBuffer_ReadsEveryStandardClaim()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var buffer = new byte[validator.ClaimsBufferSize];

        validator.HeaderInto("Bearer " + RawToken.Valid(TestKeys.Hs256, s_payload), buffer, out var claims).Should().Be(TokenValidationError.None);

        claims.IsEmpty.Should().BeFalse();
        Encoding.UTF8.GetString(claims.IssuerUtf8).Should().Be(RawToken.Issuer);
        Encoding.UTF8.GetString(claims.SubjectUtf8).Should().Be("user-1");
        Encoding.UTF8.GetString(claims.TokenIdUtf8).Should().Be("jti-1");
        Encoding.UTF8.GetString(claims.SessionIdUtf8).Should().Be("sid-1");
        Encoding.UTF8.GetString(claims.ClientIdUtf8).Should().Be("web");
        Encoding.UTF8.GetString(claims.ScopeUtf8).Should().Be("orders:read orders:write");
        claims.HasSessionId.Should().BeTrue();
        claims.ExpiresAt.Should().Be(TestClock.Start.AddSeconds(300));
        claims.IssuedAt.Should().Be(TestClock.Start);
        claims.NotBefore.Should().Be(TestClock.Start);
        claims.HasScope("orders:write"u8).Should().BeTrue();
        claims.HasScope("orders:read").Should().BeTrue();
        claims.HasScope("orders").Should().BeFalse();
        claims.HasScope(ReadOnlySpan<byte>.Empty).Should().BeFalse();
        Encoding.UTF8.GetString(claims.PayloadUtf8).Should().Be(s_payload);
        claims.ToClaims().Subject.Should().Be("user-1");
        claims.ToClaims().Scopes.Should().Equal("orders:read", "orders:write");
    }

    [Test]
    public void Validate_IntoBufferWithEscapedClaims_ReadsThemUnescaped()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var payload = RawToken.Payload().Replace("\"user-1\"", "\"us\\u0065r-\\u00e9\"", StringComparison.Ordinal);

        validator.TokenInto(RawToken.Valid(TestKeys.Hs256, payload), new byte[validator.ClaimsBufferSize], out var claims)
            .Should().Be(TokenValidationError.None);

        Encoding.UTF8.GetString(claims.SubjectUtf8).Should().Be("user-é");
        Encoding.UTF8.GetString(claims.SessionIdUtf8).Should().Be("sid-1");
    }

    [Test]
    public void Validate_IntoBufferTooSmallForThePayload_IsTooLarge()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var token = RawToken.Valid(TestKeys.Hs256);
        var payloadLength = Encoding.UTF8.GetByteCount(RawToken.Payload());

        validator.TokenInto(token, new byte[payloadLength - 1], out var claims).Should().Be(TokenValidationError.TooLarge);
        claims.IsEmpty.Should().BeTrue();
        validator.TokenInto(token, new byte[payloadLength], out claims).Should().Be(TokenValidationError.None);
        Encoding.UTF8.GetString(claims.SubjectUtf8).Should().Be("user-1");
    }

    [Test]
    public void Validate_IntoBufferRejected_LeavesAnEmptyViewThatReadsAsAbsent()
    {
        var validator = Validators.For(TestKeys.Hs256);

        validator.TokenInto(RawToken.Valid(TestKeys.Hs256, RawToken.Payload(exp: TestClock.StartSeconds - 60)), new byte[1024], out var claims)
            .Should().Be(TokenValidationError.Expired);

        claims.IsEmpty.Should().BeTrue();
        claims.SubjectUtf8.IsEmpty.Should().BeTrue();
        claims.HasSessionId.Should().BeFalse();
        claims.NotBefore.Should().BeNull();
        claims.ExpiresAt.Should().Be(DateTimeOffset.MinValue);
        claims.HasScope("orders:read").Should().BeFalse();
        claims.ToString().Should().Be("(no claims)");
        var toClaims = () => default(TokenClaimsView).ToClaims();
        toClaims.Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void Validate_IntoBufferOfRevokedSession_IsRevokedCachedOrNot()
    {
        var time = new FakeTimeProvider(TestClock.Start);
        var revocations = new RevocationList(time);
        var cached = Validators.For(TestKeys.Hs256, time, o => (o.Revocations, o.Cache) = (revocations, new VerifiedTokenCacheOptions()));
        var token = RawToken.Valid(TestKeys.Hs256);
        var buffer = new byte[cached.ClaimsBufferSize];
        cached.TokenInto(token, buffer, out var first).Should().Be(TokenValidationError.None);
        Encoding.UTF8.GetString(first.SubjectUtf8).Should().Be("user-1");

        // A cache hit reads the cached payload, whatever the buffer holds now.
        Array.Clear(buffer);
        cached.TokenInto(token, buffer, out var hit).Should().Be(TokenValidationError.None);
        Encoding.UTF8.GetString(hit.SessionIdUtf8).Should().Be("sid-1");

        revocations.Add("sid-1", TestClock.Start.AddHours(1));
        cached.TokenInto(token, buffer, out _).Should().Be(TokenValidationError.Revoked);
        Validators.For(TestKeys.Hs256, time, o => o.Revocations = revocations).TokenInto(token, buffer, out _).Should().Be(TokenValidationError.Revoked);
    }

    [Test]
    public void Validate_IntoABufferOverlappingTheToken_Throws()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var token = Encoding.ASCII.GetBytes(RawToken.Valid(TestKeys.Hs256));
        var memory = new byte[token.Length + validator.ClaimsBufferSize];
        token.CopyTo(memory, 0);

        var inPlace = () => validator.TokenInto(memory.AsSpan(0, token.Length), memory.AsSpan(10), out _);

        inPlace.Should().Throw<ArgumentException>().WithParameterName("buffer");
        validator.TokenInto(memory.AsSpan(0, token.Length), memory.AsSpan(token.Length), out var claims).Should().Be(TokenValidationError.None);
        Encoding.UTF8.GetString(claims.SubjectUtf8).Should().Be("user-1");
    }

    [Test]
    public void ClaimsBufferSize_IsThreeQuartersOfTheSizeCap()
    {
        Validators.For(TestKeys.Hs256).ClaimsBufferSize.Should().Be(6 * 1024);
        Validators.For(TestKeys.Hs256, configure: static o => o.MaxTokenSize = 1000).ClaimsBufferSize.Should().Be(750);
    }
}
