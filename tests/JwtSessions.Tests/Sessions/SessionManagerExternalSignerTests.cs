using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <summary>Sessions whose access tokens are signed by a key in a KMS that answers asynchronously (no synchronous path).</summary>
public sealed class SessionManagerExternalSignerTests
{
    [Test]
    public async Task StartAndRefresh_AccessKeyInARemoteKms_IssueTokensThatValidate()
    {
        var time = TestClock.Create();
        using var signer = FakeKmsSigner.Create(JwtAlgorithm.ES256);
        using var key = SigningKey.FromExternalSigner(signer.PublicKey, signer);
        using var manager = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = KeyRing.Create(key) },
            timeProvider: time, logger: SuiteLogs.For<SessionManager>());

        var tokens = await manager.StartSessionAsync("alice");
        var refreshed = await manager.RefreshAsync(tokens.RefreshToken);

        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.None);
        refreshed.Status.Should().Be(RefreshStatus.Rotated);
        manager.ValidateAccessToken(refreshed.Tokens!.AccessToken).Subject.Should().Be("alice");
        signer.Calls.Should().Be(2, "one access token per pair, signed in the KMS");
    }

    [Test]
    public async Task StartSession_KmsReturnsABadSignature_ThrowsAndStoresNothing()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var signer = FakeKmsSigner.Create(JwtAlgorithm.ES256);
        using var key = SigningKey.FromExternalSigner(signer.PublicKey, signer);
        using var manager = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = KeyRing.Create(key) },
            store,
            timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        signer.Fault = FakeKmsSigner.Faults.FlipBit;

        var start = async () => await manager.StartSessionAsync("alice");

        await start.Should().ThrowAsync<System.Security.Cryptography.CryptographicException>();
        store.Count.Should().Be(0, "the pair is signed and checked before the session is stored");
    }
}
