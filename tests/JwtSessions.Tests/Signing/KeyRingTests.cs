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
        Validators.For(ring, time).ValidateToken(oldToken).IsValid.Should().BeTrue();

        // 2. Promote it: new tokens carry the new kid, old tokens still validate.
        ring = ring.WithActiveKey(newKey.KeyId);
        ring.ActiveKey.Should().BeSameAs(newKey);
        var newToken = Issue(ring, time);
        Validators.For(ring, time).ValidateToken(newToken).IsValid.Should().BeTrue();
        Validators.For(ring, time).ValidateToken(oldToken).IsValid.Should().BeTrue();

        // 3. Retire the old key: its tokens are refused as signed by an unknown key, not by a fallback key.
        ring = ring.WithoutKey(oldKey.KeyId);
        ring.Keys.Should().Equal(newKey);
        Validators.For(ring, time).ValidateToken(oldToken).Error.Should().Be(TokenValidationError.UnknownKey);
        Validators.For(ring, time).ValidateToken(newToken).IsValid.Should().BeTrue();
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
        Validators.For(published, time).ValidateToken(oldToken).IsValid.Should().BeTrue();

        ring = ring.WithActiveKey("new").WithoutKey("old");
        Validators.For(KeyRing.FromJwks(ring.ToJwks()), time).ValidateToken(oldToken).Error.Should().Be(TokenValidationError.UnknownKey);
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
        Validators.For(ring).ValidateToken(RawToken.Valid(TestKeys.Rs256)).IsValid.Should().BeTrue();
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
        Validators.For(ring).ValidateToken(RawToken.Valid(TestKeys.Es256)).IsValid.Should().BeTrue();
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

        Validators.For(ring).ValidateToken(RawToken.Valid(SigningKey.Generate(JwtAlgorithm.ES256, "stranger")))
            .Error.Should().Be(TokenValidationError.UnknownKey);
    }

    private static Func<KeyRing> FromJwks(params string[] keys) => () => KeyRing.FromJwks($$"""{"keys":[{{string.Join(',', keys)}}]}""");

    private static string Issue(KeyRing ring, FakeTimeProvider time)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = ring, TimeProvider = time };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options).Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;
    }

    // Built in code, and named without them: an attribute stores its strings as UTF-8, which would turn a lone surrogate
    // into U+FFFD, and a test name holding one does not reach the runner.
    private static IEnumerable<TestCaseData> KeyIdsWithAnUnpairedSurrogate()
    {
        yield return new TestCaseData("k\uD800").SetName("Create_KeyIdEndingInALoneHighSurrogate_IsRefused");
        yield return new TestCaseData("k\uDC00").SetName("Create_KeyIdEndingInALoneLowSurrogate_IsRefused");
        yield return new TestCaseData("\uDC00\uD800k").SetName("Create_KeyIdWithSurrogatesInTheWrongOrder_IsRefused");
    }

    [TestCaseSource(nameof(KeyIdsWithAnUnpairedSurrogate))]
    public void Create_KeyIdWithAnUnpairedSurrogate_IsRefused(string keyId)
    {
        // Its UTF-8 would be U+FFFD's, so it would share a kid on the wire with "k\uFFFD" while the ring held them apart.
        keyId.Any(char.IsSurrogate).Should().BeTrue("the case must reach the key as written");
        var act = () => SigningKey.Generate(JwtAlgorithm.ES256, keyId);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage("*unpaired surrogate*");
    }

    [Test]
    public void Create_KeyIdWithASurrogatePair_IsAcceptedAndFoundByItsKid()
    {
        var key = SigningKey.Generate(JwtAlgorithm.ES256, "k\uD83D\uDE00");
        var ring = KeyRing.ForVerification(key.ToPublicKey(), SigningKey.Generate(JwtAlgorithm.ES256, "k\uFFFD").ToPublicKey());

        Validators.For(ring).ValidateToken(RawToken.Valid(key)).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public void Keys_CastToAnArray_CannotChangeTheRing()
    {
        var active = SigningKey.Generate(JwtAlgorithm.ES256, "a");
        var ring = KeyRing.Create(active, SigningKey.Generate(JwtAlgorithm.ES256, "b").ToPublicKey());

        ring.Keys.Should().NotBeAssignableTo<SigningKey[]>();
        var asList = (IList<SigningKey>)ring.Keys;
        var act = () => asList[0] = SigningKey.Generate(JwtAlgorithm.ES256, "a");

        act.Should().Throw<NotSupportedException>();
        ring.Keys[0].Should().BeSameAs(active);
    }

    [TestCase("""{"keys":[1,@]}""", "*not a JSON object*")]
    [TestCase("""{"keys":[null,@]}""", "*not a JSON object*")]
    [TestCase("""{"keys":["x",@]}""", "*not a JSON object*")]
    [TestCase("""{"keys":[@],"keys":[@]}""", "*two \"keys\"*")]
    [TestCase("""{"KEYS":[@]}""", "*\"KEYS\"*")]
    [TestCase("""{"keys":[@],"Keys":[]}""", "*\"Keys\"*")]
    [TestCase("""{"keys":{"kty":"EC"}}""", "*no \"keys\" array*")]
    [TestCase("""[@]""", "*not a JSON object*")]
    [TestCase("""{"keys":[@]""", "*not valid JSON*")]
    public void FromJwks_ASetTheJwkParserWouldReadDifferently_IsRefusedWhole(string template, string message)
    {
        // Microsoft.IdentityModel's parser drops entries that are not objects, merges repeated or differently cased "keys"
        // members and reads member names ignoring case: each of these would import as some other set.
        var json = template.Replace("@", TestKeys.Es256.ToJwk(), StringComparison.Ordinal);

        var act = () => KeyRing.FromJwks(json);

        act.Should().Throw<InvalidSigningKeyException>().WithMessage(message);
    }
}
