using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Signing;

public sealed class KeyRingTests
{
    [Test]
    public void Create_DuplicateKeyId_Throws()
    {
        var a = SigningKey.Generate(JwtAlgorithm.ES256, "same");
        var b = SigningKey.Generate(JwtAlgorithm.HS256, "same");

        FluentActions.Invoking(() => KeyRing.Create(a, b)).Should().Throw<InvalidSigningKeyException>().WithMessage("*same*");
        FluentActions.Invoking(() => KeyRing.ForVerification(a, b)).Should().Throw<InvalidSigningKeyException>();
        FluentActions.Invoking(() => KeyRing.Create(a).WithKey(b)).Should().Throw<InvalidSigningKeyException>();
        FluentActions.Invoking(() => KeyRing.Create(a).WithKey(a.ToPublicKey())).Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void Create_ActiveKeyWithoutPrivatePart_Throws()
    {
        var act = () => KeyRing.Create(TestKeys.Es256.ToPublicKey());

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void Rotation_OldKeyTokens_ValidUntilOldKeyRetired()
    {
        var time = TestClock.Create();
        var oldKey = SigningKey.Generate(JwtAlgorithm.ES256, "2026-01");
        var newKey = SigningKey.Generate(JwtAlgorithm.ES256, "2026-02");

        var ring = KeyRing.Create(oldKey);
        var oldToken = Issue(ring, time);

        // 1. Publish the next key for verification only; signing still uses the old one.
        ring = ring.WithKey(newKey);
        ring.ActiveKey.Should().BeSameAs(oldKey);
        Validators.For(ring, time).Validate(oldToken).IsValid.Should().BeTrue();

        // 2. Promote it: new tokens carry the new kid, old tokens still validate.
        ring = ring.WithActiveKey(newKey.KeyId);
        ring.ActiveKey.Should().BeSameAs(newKey);
        var newToken = Issue(ring, time);
        Validators.For(ring, time).Validate(newToken).IsValid.Should().BeTrue();
        Validators.For(ring, time).Validate(oldToken).IsValid.Should().BeTrue();

        // 3. Retire the old key: its tokens are refused as signed by an unknown key, not by a fallback key.
        ring = ring.WithoutKey(oldKey.KeyId);
        ring.Keys.Should().Equal(newKey);
        Validators.For(ring, time).Validate(oldToken).Error.Should().Be(TokenValidationError.UnknownKey);
        Validators.For(ring, time).Validate(newToken).IsValid.Should().BeTrue();
    }

    [Test]
    public void Rotation_PublishedJwksAtEachStep_VerifiesTheRightTokens()
    {
        var time = TestClock.Create();
        var oldKey = SigningKey.Generate(JwtAlgorithm.ES384, "old");
        var newKey = SigningKey.Generate(JwtAlgorithm.ES384, "new");
        var ring = KeyRing.Create(oldKey).WithKey(newKey);
        var oldToken = Issue(ring, time);

        var published = KeyRing.FromJwks(ring.ToJwks());
        published.ActiveKey.Should().BeNull();
        published.Keys.Should().OnlyContain(static k => !k.CanSign);
        Validators.For(published, time).Validate(oldToken).IsValid.Should().BeTrue();

        ring = ring.WithActiveKey("new").WithoutKey("old");
        Validators.For(KeyRing.FromJwks(ring.ToJwks()), time).Validate(oldToken).Error.Should().Be(TokenValidationError.UnknownKey);
    }

    [Test]
    public void WithoutKey_ActiveKey_Throws()
    {
        var ring = KeyRing.Create(TestKeys.Es256, TestKeys.Rs256.ToPublicKey());

        var act = () => ring.WithoutKey(TestKeys.Es256.KeyId);

        act.Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void WithoutKey_UnknownKeyId_Throws()
    {
        var act = () => KeyRing.Create(TestKeys.Es256).WithoutKey("nope");

        act.Should().Throw<KeyNotFoundException>();
    }

    [Test]
    public void WithActiveKey_UnknownKeyId_Throws()
    {
        var act = () => KeyRing.Create(TestKeys.Es256).WithActiveKey("nope");

        act.Should().Throw<KeyNotFoundException>();
    }

    [Test]
    public void WithActiveKey_PublicOnlyKey_Throws()
    {
        var ring = KeyRing.Create(TestKeys.Es256).WithKey(TestKeys.Rs256.ToPublicKey());

        var act = () => ring.WithActiveKey(TestKeys.Rs256.KeyId);

        act.Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void WithKey_ReturnsNewRing_OriginalUnchanged()
    {
        var ring = KeyRing.Create(TestKeys.Es256);

        var bigger = ring.WithKey(TestKeys.Rs256.ToPublicKey());

        ring.Keys.Should().HaveCount(1);
        bigger.Keys.Should().HaveCount(2);
    }

    [Test]
    public void FromJwks_SymmetricAndPublic_Throws()
        => FromJwks(TestKeys.Hs256.ToJwk(includePrivateKey: true), TestKeys.Es256.ToJwk())
            .Should().Throw<InvalidSigningKeyException>().WithMessage("*mixes*");

    [Test]
    public void FromJwks_PrivateAndPublic_Throws()
        => FromJwks(TestKeys.Es256.ToJwk(includePrivateKey: true), TestKeys.Rs256.ToJwk())
            .Should().Throw<InvalidSigningKeyException>().WithMessage("*mixes*");

    [Test]
    public void FromJwks_SymmetricAndPrivate_Throws()
        => FromJwks(TestKeys.Hs256.ToJwk(includePrivateKey: true), TestKeys.Rs256.ToJwk(includePrivateKey: true))
            .Should().Throw<InvalidSigningKeyException>().WithMessage("*mixes*");

    [Test]
    public void FromJwks_OnlyPublicKeys_IsVerificationRing()
    {
        var ring = FromJwks(TestKeys.Es256.ToJwk(), TestKeys.Rs256.ToJwk(), TestKeys.For(JwtAlgorithm.EdDSA).ToJwk())();

        ring.ActiveKey.Should().BeNull();
        ring.Keys.Select(static k => k.KeyId).Should().Equal(TestKeys.Es256.KeyId, TestKeys.Rs256.KeyId, TestKeys.For(JwtAlgorithm.EdDSA).KeyId);
        Validators.For(ring).Validate(RawToken.Valid(TestKeys.Rs256)).IsValid.Should().BeTrue();
    }

    [Test]
    public void FromJwks_DuplicateKeyId_Throws()
        => FromJwks(TestKeys.Es256.ToJwk(), TestKeys.Es256.ToJwk())
            .Should().Throw<InvalidSigningKeyException>();

    [Test]
    public void FromJwks_KeyBreakingARule_Throws()
    {
        var weak = """{"kty":"oct","alg":"HS256","kid":"weak","k":"c2hvcnQ"}""";

        FromJwks(TestKeys.Hs256.ToJwk(includePrivateKey: true), weak).Should().Throw<InvalidSigningKeyException>();
    }

    [Test]
    public void FromJwks_WithAnEncryptionKey_SkipsItAndKeepsTheSignatureKeys()
    {
        var encryption = TestKeys.Rs256.ToJwk().Replace("\"use\": \"sig\"", "\"use\": \"enc\"", StringComparison.Ordinal)
            .Replace(TestKeys.Rs256.KeyId, "enc-1", StringComparison.Ordinal);
        encryption.Should().Contain("\"use\": \"enc\"");

        var ring = FromJwks(TestKeys.Es256.ToJwk(), encryption)();

        ring.Keys.Select(static k => k.KeyId).Should().Equal(TestKeys.Es256.KeyId);
        Validators.For(ring).Validate(RawToken.Valid(TestKeys.Es256)).IsValid.Should().BeTrue();
    }

    [Test]
    public void FromJwks_OnlyEncryptionKeys_Throws()
    {
        var encryption = TestKeys.Rs256.ToJwk().Replace("\"use\": \"sig\"", "\"use\": \"enc\"", StringComparison.Ordinal);

        FromJwks(encryption).Should().Throw<InvalidSigningKeyException>().WithMessage("*no signature key*");
    }

    [Test]
    public void FromJwks_Empty_Throws()
        => FluentActions.Invoking(() => KeyRing.FromJwks("""{"keys":[]}""")).Should().Throw<InvalidSigningKeyException>().WithMessage("*no signature key*");

    [TestCase("""{"keys":"x"}""")]
    [TestCase("not json")]
    public void FromJwks_NotAJwkSet_Throws(string json)
        => FluentActions.Invoking(() => KeyRing.FromJwks(json)).Should().Throw<ArgumentException>();

    [Test]
    public void Validate_KeyIdNotInRing_ReturnsUnknownKey()
    {
        var ring = KeyRing.ForVerification(TestKeys.Es256);

        Validators.For(ring).Validate(RawToken.Valid(SigningKey.Generate(JwtAlgorithm.ES256, "stranger")))
            .Error.Should().Be(TokenValidationError.UnknownKey);
    }

    private static Func<KeyRing> FromJwks(params string[] keys) => () => KeyRing.FromJwks($$"""{"keys":[{{string.Join(',', keys)}}]}""");

    private static string Issue(KeyRing ring, FakeTimeProvider time)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = ring, TimeProvider = time };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;
    }
}
