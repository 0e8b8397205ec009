using System.Security.Cryptography;
using JwtSessions.Revocation;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// Key selection and algorithm binding (RFC 8725 §3.1, §3.10): kid is an exact lookup with no fallback, a missing kid picks
/// the one key of the token's algorithm only when there is exactly one, and the token's alg must be the key's.
/// </summary>
public sealed class TokenValidatorKeySelectionTests
{
    private static readonly SigningKey s_hsA = SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(32), JwtAlgorithm.HS256, "a");
    private static readonly SigningKey s_hsB = SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(32), JwtAlgorithm.HS256, "b");
    private static readonly SigningKey s_hs384 = SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(48), JwtAlgorithm.HS384, "c");

    [OneTimeTearDown]
    public static void DisposeKeys()
    {
        s_hsA.Dispose();
        s_hsB.Dispose();
        s_hs384.Dispose();
    }

    [Test]
    public void Validate_UnknownKid_ReturnsUnknownKey()
    {
        var token = Sign(Forge.Header("HS256", "z"), s_hsA);

        Validators.For(KeyRing.ForVerification(s_hsA, s_hs384)).ValidateToken(token).Error.Should().Be(TokenValidationError.UnknownKey);
    }

    [Test]
    public void Validate_NoKidAndOneKeyOfTheAlgorithm_IsValid()
    {
        var token = Sign(Forge.Header("HS256", kid: null), s_hsA);

        Validators.For(KeyRing.ForVerification(s_hsA, s_hs384, TestKeys.Es256.ToPublicKey())).ValidateToken(token).Error
            .Should().Be(TokenValidationError.None);
    }

    [Test]
    public void Validate_NoKidAndTwoKeysOfTheAlgorithm_ReturnsUnknownKey()
    {
        var token = Sign(Forge.Header("HS256", kid: null), s_hsA);

        Validators.For(KeyRing.ForVerification(s_hsA, s_hsB)).ValidateToken(token).Error.Should().Be(TokenValidationError.UnknownKey);
    }

    [Test]
    public void Validate_NoKidAndNoKeyOfTheAlgorithm_ReturnsUnknownKey()
    {
        var token = Sign(Forge.Header("HS384", kid: null), s_hs384);
        var validator = Validators.For(KeyRing.ForVerification(s_hsA), configure: o =>
        {
            o.AllowedAlgorithms.Add(JwtAlgorithm.HS256);
            o.AllowedAlgorithms.Add(JwtAlgorithm.HS384);
        });

        validator.ValidateToken(token).Error.Should().Be(TokenValidationError.UnknownKey);
    }

    [TestCase("HS384", "a")]
    [TestCase("HS256", "c")]
    public void Validate_AlgDiffersFromTheKidsKey_ReturnsAlgorithmMismatch(string alg, string kid)
    {
        // Signed with the key whose algorithm the header names, so only the kid's binding can reject it.
        var token = Sign(Forge.Header(alg, kid), alg == "HS384" ? s_hs384 : s_hsA);

        Validators.For(KeyRing.ForVerification(s_hsA, s_hs384)).ValidateToken(token).Error.Should().Be(TokenValidationError.AlgorithmMismatch);
    }

    [Test]
    public void Validate_AlgExcludedByAllowedAlgorithms_ReturnsUnsupportedAlgorithm()
    {
        var validator = Validators.For(KeyRing.ForVerification(s_hsA, s_hs384), configure: o => o.AllowedAlgorithms.Add(JwtAlgorithm.HS384));

        validator.ValidateToken(Sign(Forge.Header("HS256", "a"), s_hsA)).Error.Should().Be(TokenValidationError.UnsupportedAlgorithm);
        validator.ValidateToken(Sign(Forge.Header("HS256", kid: null), s_hsA)).Error.Should().Be(TokenValidationError.UnsupportedAlgorithm);
        validator.ValidateToken(Sign(Forge.Header("HS384", "c"), s_hs384)).Error.Should().Be(TokenValidationError.None);
    }

    [TestCase(257)]
    [TestCase(300)]
    [TestCase(900)]
    public void Validate_KidTooLongForAnyKey_ReturnsUnknownKeyEvenWhenTheOnlyKeySigned(int length)
    {
        // A kid too long for any key must never count as "no kid" and fall back to the ring's only key of the algorithm:
        // a token naming a key that does not exist is refused (RFC 8725 §3.10).
        var token = Sign(Forge.Header("HS256", new string('k', length)), s_hsA);

        Validators.For(s_hsA).ValidateToken(token).Error.Should().Be(TokenValidationError.UnknownKey);
    }

    [Test]
    public void Validate_LongestNonAsciiKid_SelectsItsKey()
    {
        // A key id may have 256 characters, up to 768 UTF-8 bytes: it must be matched exactly, not cut off.
        var kid = new string('\u20AC', 256);
        var key = SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(32), JwtAlgorithm.HS256, kid);
        var validator = Validators.For(KeyRing.ForVerification(key, s_hsA));

        validator.ValidateToken(Sign(Forge.Header("HS256", kid), key)).Error.Should().Be(TokenValidationError.None);
        validator.ValidateToken(Sign(Forge.Header("HS256", kid[..^1]), key)).Error.Should().Be(TokenValidationError.UnknownKey);
    }

    [Test]
    public void Validate_PrefixedLongestAcceptedType_IsAccepted()
    {
        // RFC 7515 §4.1.9: "application/" may be present; with a 64-character type the prefixed form is 76 bytes.
        var type = new string('t', 60) + "+jwt";
        var validator = Validators.For(s_hsA, configure: o =>
        {
            o.AcceptedTypes.Clear();
            o.AcceptedTypes.Add(type);
        });

        validator.ValidateToken(Sign(Forge.Header("HS256", "a", type), s_hsA)).Error.Should().Be(TokenValidationError.None);
        validator.ValidateToken(Sign(Forge.Header("HS256", "a", "application/" + type), s_hsA)).Error.Should().Be(TokenValidationError.None);
        validator.ValidateToken(Sign(Forge.Header("HS256", "a", "application/" + type + "x"), s_hsA)).Error.Should().Be(TokenValidationError.WrongType);
    }

    [TestCase("application/")]
    [TestCase("APPLICATION/")]
    public void Create_AcceptedTypeThatIsOnlyThePrefix_IsRefused(string type)
    {
        // Compared without "application/", it would accept a token whose typ is empty.
        var act = () => Validators.For(s_hsA, configure: o =>
        {
            o.AcceptedTypes.Clear();
            o.AcceptedTypes.Add(type);
        });

        act.Should().Throw<ArgumentException>().WithMessage("*accepted typ*");
    }

    [Test]
    public void Validate_RevokedSessionWithLongId_IsRevoked()
    {
        // A session id longer than 256 UTF-8 bytes is looked up like any other: revoking one must not fail open.
        var sessionId = new string('s', 300);
        var revocations = new RevocationList(TestClock.Create());
        revocations.Add(sessionId, TestClock.Start.AddHours(1));
        var validator = Validators.For(s_hsA, configure: o => o.Revocations = revocations);

        validator.ValidateToken(Sign(Forge.Header("HS256", "a"), s_hsA, ("sid", $"\"{sessionId}\""))).Error.Should().Be(TokenValidationError.Revoked);
        validator.ValidateToken(Sign(Forge.Header("HS256", "a"), s_hsA, ("sid", $"\"{sessionId}x\""))).Error.Should().Be(TokenValidationError.None);
    }

    private static string Sign(string headerJson, SigningKey key, params (string Name, string? Json)[] changes)
        => RawToken.Sign(headerJson, Forge.Claims(changes), key);
}
