using System.Security.Cryptography;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Concurrency;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Signing;

/// <summary>
/// <see cref="SigningKey.Dispose"/>: the creator owns a key, a ring is only a view of keys, and a disposed key fails closed:
/// signing and exporting throw <see cref="ObjectDisposedException"/>, verifying rejects (docs/keys-and-rotation.md, "Key lifetime").
/// </summary>
public sealed class SigningKeyLifetimeTests
{
    private static IEnumerable<JwtAlgorithm> Algorithms => TestKeys.AllAlgorithms;

    [TestCaseSource(nameof(Algorithms))]
    public void Issue_ActiveKeyDisposedAfterTheIssuerWasBuilt_ThrowsObjectDisposedException(JwtAlgorithm algorithm)
    {
        var key = Fresh(algorithm);
        var issuer = Issuer(key);

        key.Dispose();
        var act = () => issuer.Issue(new AccessTokenDescriptor { Subject = "alice" });

        act.Should().Throw<ObjectDisposedException>().WithMessage($"The {algorithm.GetName()} key 'k1' has been disposed; it neither signs nor verifies.*");
    }

    [Test]
    public void TokenIssuer_DisposedActiveKey_ThrowsObjectDisposedException()
    {
        var key = SigningKey.Generate(JwtAlgorithm.ES256, "k1");
        key.Dispose();

        var act = () => Issuer(key);

        act.Should().Throw<ObjectDisposedException>();
    }

    [TestCaseSource(nameof(Algorithms))]
    public void Validate_DisposedKeyInTheRing_RejectsWithBadSignature(JwtAlgorithm algorithm)
    {
        var key = Fresh(algorithm);
        var issuer = Issuer(key);
        var seen = issuer.Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;
        var unseen = issuer.Issue(new AccessTokenDescriptor { Subject = "bob" }).Token;
        var validator = Validators.For(key);
        validator.ValidateToken(seen).Error.Should().Be(TokenValidationError.None);

        key.Dispose();

        // The first token's header is in the validator's accepted-header memo, which hands over the disposed key itself.
        validator.ValidateToken(seen).Error.Should().Be(TokenValidationError.BadSignature);
        validator.ValidateToken(unseen).Error.Should().Be(TokenValidationError.BadSignature);
    }

    [TestCaseSource(nameof(Algorithms))]
    public void ToJwk_DisposedKey_ThrowsObjectDisposedException(JwtAlgorithm algorithm)
    {
        var key = Fresh(algorithm);
        key.Dispose();

        var act = () => key.ToJwk(includePrivateKey: true);

        act.Should().Throw<ObjectDisposedException>();
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void ToPublicKey_DisposedKey_ThrowsObjectDisposedException(JwtAlgorithm algorithm)
    {
        var key = Fresh(algorithm);
        key.Dispose();

        var act = () => key.ToPublicKey();

        act.Should().Throw<ObjectDisposedException>();
    }

    [Test]
    public void Dispose_Twice_IsHarmless()
    {
        var key = SigningKey.Generate(JwtAlgorithm.HS256);

        key.Dispose();
        var act = key.Dispose;

        act.Should().NotThrow();
    }

    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    public void ToPublicKey_OfAPublicKey_ReturnsACopyWithItsOwnLifetime(JwtAlgorithm algorithm)
    {
        using var key = Fresh(algorithm);
        using var publicKey = key.ToPublicKey();
        var token = Issuer(key).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;

        var copy = publicKey.ToPublicKey();
        copy.Dispose();

        copy.Should().NotBeSameAs(publicKey);
        Validators.For(publicKey).ValidateToken(token).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public void KeyRing_RetiredKeyDisposed_TheNewRingStillSignsAndVerifies()
    {
        // Rings are views: retiring a key and disposing it leaves every ring that does not hold it intact.
        using var old = SigningKey.Generate(JwtAlgorithm.ES256, "2026-01");
        using var next = SigningKey.Generate(JwtAlgorithm.ES256, "2026-04");
        var ring = KeyRing.Create(old).WithKey(next).WithActiveKey("2026-04").WithoutKey("2026-01");

        old.Dispose();
        var token = Issuer(ring.ActiveKey!).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;

        Validators.For(ring).ValidateToken(token).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public void KeyRing_IsNotDisposable()
    {
        typeof(KeyRing).Should().NotImplement<IDisposable>();
        typeof(SigningKey).Should().Implement<IDisposable>();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.ES256)]
    public void Validate_KeyDisposedDuringValidation_AcceptsOrRejectsWithBadSignatureButNeverThrows(JwtAlgorithm algorithm)
    {
        // The key the validator holds is disposed while it verifies: the result is that of a verification before the disposal
        // (None) or after it (BadSignature), never an exception out of the validator. A twin key (same material) signs.
        using var signer = Fresh(algorithm);
        var token = Issuer(signer).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;
        var privateJwk = signer.ToJwk(includePrivateKey: true);
        SigningKey key = null!;
        TokenValidator validator = null!;
        var result = TokenValidationError.None;

        var failures = Race.Run(
            iterations: algorithm == JwtAlgorithm.HS256 ? 2000 : 300,
            reset: () =>
            {
                key = SigningKey.FromJwk(privateJwk);
                validator = Validators.For(key);
                validator.ValidateToken(token);
            },
            act: t =>
            {
                if (t == 0)
                {
                    key.Dispose();
                }
                else
                {
                    result = validator.ValidateToken(token).Error;
                }
            },
            violated: () => result is not (TokenValidationError.None or TokenValidationError.BadSignature));

        failures.Should().Be(0);
    }

    [Test]
    public void Issue_HmacKeyDisposedDuringSigning_IssuesAValidTokenOrThrowsObjectDisposed()
    {
        // Fail closed under a race: a token that comes out carries a MAC under the real secret, never one under a released
        // or zeroed key.
        var secret = RandomNumberGenerator.GetBytes(32);
        using var twin = SigningKey.CreateHmac(secret, JwtAlgorithm.HS256, "k1");
        var checker = Validators.For(twin);
        SigningKey key = null!;
        TokenIssuer issuer = null!;
        string? token = null;
        Exception? error = null;

        var failures = Race.Run(
            iterations: 2000,
            reset: () =>
            {
                key = SigningKey.CreateHmac(secret, JwtAlgorithm.HS256, "k1");
                issuer = Issuer(key);
                issuer.Issue(new AccessTokenDescriptor { Subject = "warm-up" });
                token = null;
                error = null;
            },
            act: t =>
            {
                if (t == 0)
                {
                    key.Dispose();
                    return;
                }

                try
                {
                    token = issuer.Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;
                }
                catch (ObjectDisposedException e)
                {
                    error = e;
                }
            },
            violated: () => token is null
                ? error is null
                : checker.ValidateToken(token).Error != TokenValidationError.None);

        failures.Should().Be(0);
    }

    /// <summary>A new key instance of the shared test material (generating RSA keys per test is slow), with kid "k1".</summary>
    private static SigningKey Fresh(JwtAlgorithm algorithm)
    {
        var jwk = TestKeys.For(algorithm).ToJsonWebKey(includePrivateKey: true);
        jwk.Kid = "k1";
        return SigningKey.FromJsonWebKey(jwk);
    }

    private static TokenIssuer Issuer(SigningKey key)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(key), TimeProvider = TestClock.Create() };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }
}
