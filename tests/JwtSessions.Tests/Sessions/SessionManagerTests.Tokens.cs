using JwtSessions.Signing;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <content>
/// Bad refresh tokens fail validation before the store is called (<see cref="RefreshStatus.InvalidToken"/> with the
/// <see cref="TokenValidationError"/>), and access and refresh tokens never pass for one another.
/// </content>
public sealed partial class SessionManagerTests
{
    private static IEnumerable<TestCaseData> GarbageRefreshTokens()
    {
        yield return new TestCaseData(null, TokenValidationError.Malformed).SetName("Refresh_Null_InvalidTokenMalformed");
        yield return new TestCaseData("", TokenValidationError.Malformed).SetName("Refresh_Empty_InvalidTokenMalformed");
        yield return new TestCaseData("garbage", TokenValidationError.Malformed).SetName("Refresh_NoDots_InvalidTokenMalformed");
        yield return new TestCaseData("a.b.c", TokenValidationError.Malformed).SetName("Refresh_ThreeJunkSegments_InvalidTokenMalformed");
        yield return new TestCaseData(new string('a', 100_000), TokenValidationError.TooLarge).SetName("Refresh_Huge_InvalidTokenTooLarge");
    }

    [TestCaseSource(nameof(GarbageRefreshTokens))]
    public async Task Refresh_Garbage_InvalidTokenWithoutStoreCall(string? token, TokenValidationError expected)
    {
        using var manager = CreateManager();

        var result = await manager.RefreshAsync(token);

        AssertInvalidWithoutStoreCall(result, expected);
    }

    [Test]
    public async Task Refresh_TamperedSignature_InvalidTokenBadSignatureWithoutStoreCall()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var calls = _store.Calls;

        var result = await manager.RefreshAsync(TokenParts.WithTamperedSignature(tokens.RefreshToken));

        AssertInvalidWithoutStoreCall(result, TokenValidationError.BadSignature, calls);
    }

    [Test]
    public async Task Refresh_AccessToken_InvalidTokenWithoutStoreCall()
    {
        // Separate rings (ES256 access, HS256 refresh): the algorithm allowlist of the refresh ring already refuses it.
        // Refresh_SharedKeysAndAccessTypedTokenWithRefreshAudience_WrongType covers a shared ring, where typ decides.
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var calls = _store.Calls;

        var result = await manager.RefreshAsync(tokens.AccessToken);

        AssertInvalidWithoutStoreCall(result, TokenValidationError.UnsupportedAlgorithm, calls);
    }

    [Test]
    public async Task Refresh_TokenWithBearerScheme_InvalidTokenMalformedWithoutStoreCall()
    {
        // A refresh token is read as a bare token: a scheme in front of it is never stripped (docs/design/api-1.0.md).
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var calls = _store.Calls;

        var result = await manager.RefreshAsync("Bearer " + tokens.RefreshToken);

        AssertInvalidWithoutStoreCall(result, TokenValidationError.Malformed, calls);
    }

    [Test]
    public async Task ValidateAccessToken_HeaderValue_Malformed()
    {
        // The two entry points never guess: a header to the token method, or a bare token to the header method, is refused.
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");

        manager.ValidateAccessToken("Bearer " + tokens.AccessToken).Error.Should().Be(TokenValidationError.Malformed);
        manager.ValidateAuthorizationHeader(tokens.AccessToken).Error.Should().Be(TokenValidationError.InvalidAuthorizationHeader);
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.None);
        manager.ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public async Task ValidateAccessToken_RefreshTokenOfOtherRing_UnsupportedAlgorithm()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");

        manager.ValidateAccessToken(tokens.RefreshToken).Error.Should().Be(TokenValidationError.UnsupportedAlgorithm);
        manager.ValidateAuthorizationHeader("Bearer " + tokens.RefreshToken).Error.Should().Be(TokenValidationError.UnsupportedAlgorithm);
    }

    [Test]
    public async Task Refresh_SharedKeysAndAccessTypedTokenWithRefreshAudience_WrongType()
    {
        // Even with one key ring for both kinds, the type and the audience each keep them apart.
        using var manager = CreateManager(configure: o => o.RefreshTokenKeys = s_accessKeys);
        var tokens = await manager.StartSessionAsync("alice");
        var accessTypedForRefreshAudience = MintRefresh(tokens.SessionId, 0, type: "at+jwt", keys: s_accessKeys);
        var calls = _store.Calls;

        AssertInvalidWithoutStoreCall(await manager.RefreshAsync(tokens.AccessToken), TokenValidationError.WrongType, calls);
        AssertInvalidWithoutStoreCall(await manager.RefreshAsync(accessTypedForRefreshAudience), TokenValidationError.WrongType, calls);
        manager.ValidateAccessToken(tokens.RefreshToken).Error.Should().Be(TokenValidationError.WrongType);
        manager.ValidateAccessToken(accessTypedForRefreshAudience).Error.Should().Be(TokenValidationError.WrongAudience);
    }

    [Test]
    public async Task Refresh_SharedKeysAndRefreshTypedTokenWithAccessAudience_WrongAudienceWithoutStoreCall()
    {
        using var manager = CreateManager(configure: o => o.RefreshTokenKeys = s_accessKeys);
        var tokens = await manager.StartSessionAsync("alice");
        var refreshTypedForAccessAudience = MintRefresh(tokens.SessionId, 0, audience: RawToken.Audience, keys: s_accessKeys);
        var calls = _store.Calls;

        var result = await manager.RefreshAsync(refreshTypedForAccessAudience);

        AssertInvalidWithoutStoreCall(result, TokenValidationError.WrongAudience, calls);
        manager.ValidateAccessToken(refreshTypedForAccessAudience).Error.Should().Be(TokenValidationError.WrongType);
    }

    [Test]
    public async Task Refresh_TokenFromAnotherIssuer_InvalidTokenWrongIssuerWithoutStoreCall()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var calls = _store.Calls;

        var result = await manager.RefreshAsync(MintRefresh(tokens.SessionId, 0, issuer: "https://other.test"));

        AssertInvalidWithoutStoreCall(result, TokenValidationError.WrongIssuer, calls);
    }

    [Test]
    public async Task Refresh_TokenSignedWithUnknownKey_InvalidTokenUnknownKeyWithoutStoreCall()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var otherKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "refresh-other"));
        var calls = _store.Calls;

        var result = await manager.RefreshAsync(MintRefresh(tokens.SessionId, 0, keys: otherKeys));

        AssertInvalidWithoutStoreCall(result, TokenValidationError.UnknownKey, calls);
    }

    [Test]
    public async Task Refresh_TokenSignedWithSameKidButOtherSecret_InvalidTokenBadSignatureWithoutStoreCall()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var impostor = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, s_refreshKeys.ActiveKey!.KeyId));
        var calls = _store.Calls;

        var result = await manager.RefreshAsync(MintRefresh(tokens.SessionId, 0, keys: impostor));

        AssertInvalidWithoutStoreCall(result, TokenValidationError.BadSignature, calls);
    }

    [Test]
    public async Task Refresh_TokenFromManagerWithDefaultKeys_InvalidTokenOnAnotherManager()
    {
        // Without configured refresh keys each manager makes its own: its refresh tokens mean nothing to another one.
        using var first = CreateManager(configure: o => o.RefreshTokenKeys = null);
        using var second = CreateManager(configure: o => o.RefreshTokenKeys = null);
        var tokens = await first.StartSessionAsync("alice");
        var calls = _store.Calls;

        var result = await second.RefreshAsync(tokens.RefreshToken);

        result.Status.Should().Be(RefreshStatus.InvalidToken);
        result.TokenError.Should().BeOneOf(TokenValidationError.UnknownKey, TokenValidationError.BadSignature);
        _store.Calls.Should().Be(calls);
        (await first.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task Refresh_TokenWithoutGeneration_InvalidTokenMissingClaimWithoutStoreCall()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        var calls = _store.Calls;

        var result = await manager.RefreshAsync(MintRefresh(tokens.SessionId, generation: null));

        AssertInvalidWithoutStoreCall(result, TokenValidationError.MissingClaim, calls);
    }

    [Test]
    public async Task Refresh_UnknownSession_UnknownSessionAndNothingWritten()
    {
        using var manager = CreateManager();

        var result = await manager.RefreshAsync(MintRefresh("no-such-session", 0));

        result.Status.Should().Be(RefreshStatus.UnknownSession);
        result.SessionId.Should().Be("no-such-session");
        result.Subject.Should().Be("alice");
        result.Tokens.Should().BeNull();
        _store.Rotations.Should().Be(1);
        _store.Revokes.Should().Be(0);
        _store.Inner.Count.Should().Be(0);
    }

    [Test]
    public async Task Refresh_SessionSweptAfterDeadline_UnknownSession()
    {
        using var manager = CreateManager(SessionPolicy.Default with { IdleTimeout = TimeSpan.FromHours(1), AbsoluteLifetime = TimeSpan.FromDays(1) });
        var tokens = await manager.StartSessionAsync("alice");
        var longLived = MintRefresh(tokens.SessionId, 0, lifetime: TimeSpan.FromDays(2));
        _time.Advance(TimeSpan.FromHours(2));
        _store.Inner.Sweep();

        (await manager.RefreshAsync(longLived)).Status.Should().Be(RefreshStatus.UnknownSession);
    }

    private void AssertInvalidWithoutStoreCall(RefreshResult result, TokenValidationError expected, int callsBefore = 0)
    {
        result.Status.Should().Be(RefreshStatus.InvalidToken);
        result.TokenError.Should().Be(expected);
        result.Succeeded.Should().BeFalse();
        result.Tokens.Should().BeNull();
        result.SessionId.Should().BeNull();
        _store.Calls.Should().Be(callsBefore, "a token that fails validation never reaches the store");
    }
}
