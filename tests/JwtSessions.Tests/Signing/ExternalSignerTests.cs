using System.Security.Cryptography;
using System.Text.Json;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Signing;

/// <summary>
/// Keys whose private half is in a KMS or HSM (<see cref="SigningKey.FromExternalSigner"/>), through <see cref="FakeKmsSigner"/>:
/// an in-process key that answers asynchronously and returns DER for ECDSA, as a cloud KMS does.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class ExternalSignerTests : IDisposable
{
    private static readonly JwtAlgorithm[] s_algorithms =
        [JwtAlgorithm.ES256, JwtAlgorithm.ES384, JwtAlgorithm.ES512, JwtAlgorithm.RS256, JwtAlgorithm.PS256, JwtAlgorithm.PS512];

    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var item in _owned)
        {
            item.Dispose();
        }
    }

    [TestCaseSource(nameof(s_algorithms))]
    public async Task IssueAsync_RemoteSigner_TokenValidatesWithThePublishedJwks(JwtAlgorithm algorithm)
    {
        var (signer, key) = External(algorithm);
        var jwks = KeyRing.Create(key).ToJwks();

        var issued = await Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice", Scopes = { "orders:read" } });

        var result = Validators.For(KeyRing.FromJwks(jwks)).ValidateToken(issued.Token);
        result.Error.Should().Be(TokenValidationError.None);
        result.Subject.Should().Be("alice");
        result.TokenId.Should().Be(issued.TokenId);
        System.Text.Encoding.UTF8.GetString(Forge.Unb64(Forge.Split(issued.Token).Header))
            .Should().Be($$"""{"alg":"{{algorithm.GetName()}}","kid":"kms-key-1","typ":"at+jwt"}""");
        signer.Calls.Should().Be(1);
    }

    [Test]
    public async Task MintAsync_RemoteSignerWithSessionDeadlineAndGeneration_TokenValidates()
    {
        // The internal path SessionManager mints through: a session deadline caps exp, and a generation is written.
        var (_, key) = External(JwtAlgorithm.ES256);
        var deadline = TestClock.Start.AddSeconds(90);

        var issued = await Issuer(key).MintAsync("alice", "session-1", TimeSpan.FromMinutes(5), deadline, generation: 3, now: TestClock.Start);

        issued.ExpiresAt.Should().Be(deadline);
        var result = Validators.For(key.ToPublicKey()).ValidateToken(issued.Token);
        result.Error.Should().Be(TokenValidationError.None);
        result.SessionId.Should().Be("session-1");
        result.ExpiresAt.Should().Be(deadline);
    }

    [Test]
    public void Mint_RemoteOnlySigner_ThrowsInvalidOperationException()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);

        var act = () => Issuer(key).Mint("alice", "session-1", TimeSpan.FromMinutes(5), notAfter: null, generation: null);

        act.Should().Throw<InvalidOperationException>().WithMessage("*mint with IssueAsync.");
        signer.Calls.Should().Be(0);
    }

    [Test]
    public async Task IssueAsync_ManyConcurrentCalls_EveryTokenValidates()
    {
        var (_, key) = External(JwtAlgorithm.ES256);
        var issuer = Issuer(key);
        var validator = Validators.For(key.ToPublicKey());

        var tokens = await Task.WhenAll(Enumerable.Range(0, 64).Select(
            i => issuer.IssueAsync(new AccessTokenDescriptor { Subject = $"user-{i}" }).AsTask()));

        tokens.Select(t => validator.ValidateToken(t.Token).Error).Should().OnlyContain(e => e == TokenValidationError.None);
        tokens.Select(t => t.TokenId).Should().OnlyHaveUniqueItems();
    }

    [TestCase(JwtAlgorithm.ES256, "FlipBit")]
    [TestCase(JwtAlgorithm.ES256, "Zeros")]
    [TestCase(JwtAlgorithm.ES256, "OtherKey")]
    [TestCase(JwtAlgorithm.RS256, "FlipBit")]
    [TestCase(JwtAlgorithm.RS256, "Zeros")]
    [TestCase(JwtAlgorithm.PS256, "OtherKey")]
    public async Task IssueAsync_SignerReturnsAWrongSignature_ThrowsAndIssuesNothing(JwtAlgorithm algorithm, string fault)
    {
        var (signer, key) = External(algorithm);
        signer.Fault = Enum.Parse<FakeKmsSigner.Faults>(fault);
        IssuedToken? issued = null;

        var act = async () => issued = await Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice" });

        (await act.Should().ThrowAsync<CryptographicException>())
            .WithMessage("The external signer of key 'kms-key-1' returned a signature that does not verify*no token was issued.");
        issued.Should().BeNull();
        signer.Calls.Should().Be(1);
    }

    [Test]
    public async Task IssueAsync_SignerReportsAShortLength_ThrowsAndIssuesNothing()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);
        signer.Fault = FakeKmsSigner.Faults.ShortLength;

        var act = async () => await Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice" });

        (await act.Should().ThrowAsync<CryptographicException>()).WithMessage("*(63 bytes; 64 expected)*");
    }

    [Test]
    public async Task IssueAsync_SignerThrows_ItsExceptionPropagates()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);
        signer.Fault = FakeKmsSigner.Faults.Unavailable;

        var act = async () => await Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice" });

        await act.Should().ThrowAsync<HttpRequestException>().WithMessage("The key service is unavailable.");
    }

    [Test]
    public void Issue_RemoteOnlySigner_ThrowsInvalidOperationExceptionNamingIssueAsync()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);

        var act = () => Issuer(key).Issue(new AccessTokenDescriptor { Subject = "alice" });

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("The signing key 'kms-key-1' signs through a remote external signer, which has no synchronous path: mint with IssueAsync.");
        signer.Calls.Should().Be(0);
    }

    [Test]
    public async Task IssueAsync_InvalidDescriptor_ThrowsBeforeTheSignerIsCalled()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);

        var act = () => Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice", Claims = { ["iss"] = "x" } });

        act.Should().Throw<ArgumentException>().WithMessage("The claim name 'iss' is reserved*");
        await Task.Yield();
        signer.Calls.Should().Be(0);
    }

    [Test]
    public async Task IssueAsync_CanceledWhileTheSignerWorks_ThrowsOperationCanceled()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);
        signer.HoldUntilReleased = true;
        using var cancellation = new CancellationTokenSource();

        var pending = Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice" }, cancellation.Token).AsTask();
        await signer.Waiting.Task;
        await cancellation.CancelAsync();

        var act = () => pending;
        (await act.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(cancellation.Token);
        signer.Calls.Should().Be(0);
    }

    [Test]
    public async Task IssueAsync_AlreadyCanceled_ThrowsWithoutCallingTheSigner()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var act = async () => await Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice" }, cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        signer.Calls.Should().Be(0);
    }

    [Test]
    public async Task IssueAsync_KeyDisposedWhileTheSignerWorks_ThrowsObjectDisposedAndIssuesNothing()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);
        signer.HoldUntilReleased = true;
        var pending = Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice" }).AsTask();
        await signer.Waiting.Task;

        key.Dispose();
        signer.Release();

        var act = () => pending;
        (await act.Should().ThrowAsync<ObjectDisposedException>()).WithMessage("*The ES256 key 'kms-key-1' has been disposed*");
    }

    [Test]
    public async Task IssueAsync_DisposedExternalKey_ThrowsObjectDisposed()
    {
        var (signer, key) = External(JwtAlgorithm.RS256);
        var issuer = Issuer(key);
        key.Dispose();

        var act = async () => await issuer.IssueAsync(new AccessTokenDescriptor { Subject = "alice" });

        await act.Should().ThrowAsync<ObjectDisposedException>();
        signer.Calls.Should().Be(0);
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.PS256)]
    public async Task Issue_SynchronousSigner_SignsOnTheCallingThreadAndIssueAsyncCompletesSynchronously(JwtAlgorithm algorithm)
    {
        var signer = Own(FakeKmsSigner.Create(algorithm, synchronous: true));
        var key = Own(SigningKey.FromExternalSigner(signer.PublicKey, signer));
        var issuer = Issuer(key);
        var validator = Validators.For(key.ToPublicKey());

        var issued = issuer.Issue(new AccessTokenDescriptor { Subject = "alice" });
        var pending = issuer.IssueAsync(new AccessTokenDescriptor { Subject = "bob" });

        pending.IsCompletedSuccessfully.Should().BeTrue();
        validator.ValidateToken(issued.Token).Error.Should().Be(TokenValidationError.None);
        validator.ValidateToken((await pending).Token).Error.Should().Be(TokenValidationError.None);
        signer.Calls.Should().Be(2);
    }

    [Test]
    public void Issue_SynchronousSignerReturnsAWrongSignature_Throws()
    {
        var signer = Own(FakeKmsSigner.Create(JwtAlgorithm.ES256, synchronous: true));
        var key = Own(SigningKey.FromExternalSigner(signer.PublicKey, signer));
        signer.Fault = FakeKmsSigner.Faults.OtherKey;

        var act = () => Issuer(key).Issue(new AccessTokenDescriptor { Subject = "alice" });

        act.Should().Throw<CryptographicException>().WithMessage("The external signer of key 'kms-key-1' returned a signature that does not verify*");
    }

    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public async Task IssueAsync_InProcessKey_CompletesSynchronously(JwtAlgorithm algorithm)
    {
        var issuer = Issuer(TestKeys.For(algorithm));

        var pending = issuer.IssueAsync(new AccessTokenDescriptor { Subject = "alice" });

        pending.IsCompletedSuccessfully.Should().BeTrue();
        var verifier = algorithm.GetKeyType() == SigningKeyType.Symmetric ? TestKeys.For(algorithm) : Own(TestKeys.For(algorithm).ToPublicKey());
        Validators.For(verifier).ValidateToken((await pending).Token).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public void FromExternalSigner_AlgorithmDiffersFromThePublicKey_Throws()
    {
        var signer = Own(FakeKmsSigner.Create(JwtAlgorithm.ES256));
        var other = Own(SigningKey.Generate(JwtAlgorithm.ES384, "kms-key-1"));
        var otherPublic = Own(other.ToPublicKey());

        var act = () => SigningKey.FromExternalSigner(otherPublic, signer);

        act.Should().Throw<InvalidSigningKeyException>()
            .WithMessage("The external signer signs with ES256 but the public key is bound to ES384 (RFC 8725 §3.1).");
    }

    [Test]
    public void FromExternalSigner_KeyIdDiffersFromThePublicKey_Throws()
    {
        var signer = Own(FakeKmsSigner.Create(JwtAlgorithm.ES256, keyId: "kms-key-2"));
        var publicKey = Own(SigningKey.CreateEcdsa(PublicParameters(signer), JwtAlgorithm.ES256, "kms-key-1"));

        var act = () => SigningKey.FromExternalSigner(publicKey, signer);

        act.Should().Throw<InvalidSigningKeyException>()
            .WithMessage("The external signer's key id 'kms-key-2' differs from the public key's 'kms-key-1'.");
    }

    [Test]
    public void FromExternalSigner_PrivateKey_Throws()
    {
        var signer = Own(FakeKmsSigner.Create(JwtAlgorithm.ES256, keyId: "test-ES256"));

        var act = () => SigningKey.FromExternalSigner(TestKeys.Es256, signer);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("The key 'test-ES256' holds a private key; pass its public half*");
    }

    [Test]
    public void FromExternalSigner_SymmetricKey_Throws()
    {
        var signer = Own(FakeKmsSigner.Create(JwtAlgorithm.ES256));
        var hmac = Own(SigningKey.Generate(JwtAlgorithm.HS256, "kms-key-1"));

        var act = () => SigningKey.FromExternalSigner(hmac, signer);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("An external signer needs an asymmetric key; HS256 is a shared secret*");
    }

    [Test]
    public void FromExternalSigner_DisposedPublicKey_ThrowsObjectDisposedException()
    {
        var signer = Own(FakeKmsSigner.Create(JwtAlgorithm.ES256));
        var publicKey = signer.PublicKey.ToPublicKey();
        publicKey.Dispose();

        var act = () => SigningKey.FromExternalSigner(publicKey, signer);

        act.Should().Throw<ObjectDisposedException>().WithMessage("*The ES256 key 'kms-key-1' has been disposed*");
    }

    [Test]
    public void ExternalSignerConstructor_EmptyKeyId_Throws()
    {
        var act = () => FakeKmsSigner.Create(JwtAlgorithm.ES256, keyId: "");

        act.Should().Throw<ArgumentException>().WithParameterName("keyId");
    }

    [Test]
    public void FromExternalSigner_Key_CanSignAndIsARingsActiveKey()
    {
        var (_, key) = External(JwtAlgorithm.ES256);

        var ring = KeyRing.Create(key);

        key.CanSign.Should().BeTrue();
        ring.ActiveKey.Should().BeSameAs(key);
        key.ToString().Should().Be("ES256 key 'kms-key-1' (external signer)");
    }

    [TestCase(JwtAlgorithm.ES256, new[] { "alg", "crv", "kid", "kty", "use", "x", "y" })]
    [TestCase(JwtAlgorithm.RS256, new[] { "alg", "e", "kid", "kty", "n", "use" })]
    public void ToJwk_ExternalKeyWithPrivateMembersRequested_HasPublicMembersOnly(JwtAlgorithm algorithm, string[] members)
    {
        var (signer, key) = External(algorithm);

        using var document = JsonDocument.Parse(key.ToJwk(includePrivateKey: true));

        document.RootElement.EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal).Should().Equal(members);
        key.ToJsonWebKey(includePrivateKey: true).HasPrivateKey.Should().BeFalse();
        key.ToJwk(includePrivateKey: true).Should().Be(signer.PublicKey.ToJwk());
        KeyRing.Create(key).ToJwks().Should().Be(KeyRing.ForVerification(signer.PublicKey).ToJwks());
    }

    [Test]
    public void ToPublicKey_ExternalKey_IsAVerificationOnlyCopy()
    {
        var (_, key) = External(JwtAlgorithm.ES256);

        using var publicKey = key.ToPublicKey();

        publicKey.CanSign.Should().BeFalse();
        publicKey.KeyId.Should().Be("kms-key-1");
        publicKey.ToJwk().Should().Be(key.ToJwk());
    }

    [Test]
    public async Task Dispose_ExternalKey_LeavesTheSignerAndTheCallersPublicKeyUsable()
    {
        var (signer, key) = External(JwtAlgorithm.ES256);

        key.Dispose();
        using var again = SigningKey.FromExternalSigner(signer.PublicKey, signer);
        var issued = await Issuer(again).IssueAsync(new AccessTokenDescriptor { Subject = "alice" });

        Validators.For(signer.PublicKey).ValidateToken(issued.Token).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public async Task Validate_DisposedExternalKeyInTheRing_RejectsWithBadSignature()
    {
        var (_, key) = External(JwtAlgorithm.ES256);
        var issued = await Issuer(key).IssueAsync(new AccessTokenDescriptor { Subject = "alice" });
        var validator = Validators.For(key);
        validator.ValidateToken(issued.Token).Error.Should().Be(TokenValidationError.None);

        key.Dispose();

        validator.ValidateToken(issued.Token).Error.Should().Be(TokenValidationError.BadSignature);
    }

    private static ECParameters PublicParameters(FakeKmsSigner signer)
    {
        var jwk = signer.PublicKey.ToJsonWebKey();
        return new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = Forge.Unb64(jwk.X), Y = Forge.Unb64(jwk.Y) } };
    }

    private static TokenIssuer Issuer(SigningKey key)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(key), TimeProvider = TestClock.Create() };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }

    private (FakeKmsSigner Signer, SigningKey Key) External(JwtAlgorithm algorithm)
    {
        var signer = Own(FakeKmsSigner.Create(algorithm));
        return (signer, Own(SigningKey.FromExternalSigner(signer.PublicKey, signer)));
    }

    private T Own<T>(T item)
        where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }
}
