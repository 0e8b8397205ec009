using System.Collections.Concurrent;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>The fast paths (remembered headers, pooled HMAC instances, lazily made claims) must never change a verdict.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class HotPathTests
{
    [Test]
    public void Validate_KnownHeaderWithForeignSignature_ReturnsBadSignature()
    {
        var validator = Validators.For(TestKeys.Hs256);
        validator.ValidateToken(RawToken.Valid(TestKeys.Hs256)).IsValid.Should().BeTrue();

        // Same header text (same kid), signed with another secret: the remembered header selects the key, the MAC still decides.
        var impostor = SigningKey.Generate(JwtAlgorithm.HS256, TestKeys.Hs256.KeyId);

        validator.ValidateToken(RawToken.Valid(impostor)).Error.Should().Be(TokenValidationError.BadSignature);
    }

    [Test]
    public void Validate_KnownHeaderWithTamperedPayload_ReturnsBadSignature()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var token = RawToken.Valid(TestKeys.Hs256);
        validator.ValidateToken(token).IsValid.Should().BeTrue();
        var parts = token.Split('.');
        var tampered = parts[0] + "." + RawToken.B64(RawToken.Payload().Replace("user-1", "admin", StringComparison.Ordinal)) + "." + parts[2];

        validator.ValidateToken(tampered).Error.Should().Be(TokenValidationError.BadSignature);
    }

    [Test]
    public void Validate_HeaderRejectedBeforeAndAfterValidTokens_KeepsItsError()
    {
        var validator = Validators.For(TestKeys.Hs256);
        var wrongType = RawToken.Sign(RawToken.Header(TestKeys.Hs256, typ: "JWT"), RawToken.Payload(), TestKeys.Hs256);

        validator.ValidateToken(wrongType).Error.Should().Be(TokenValidationError.WrongType);
        validator.ValidateToken(RawToken.Valid(TestKeys.Hs256)).IsValid.Should().BeTrue();
        validator.ValidateToken(wrongType).Error.Should().Be(TokenValidationError.WrongType);
    }

    [Test]
    public void Validate_ManyHeaderVariants_AllStillValidate()
    {
        var validator = Validators.For(TestKeys.Hs256);
        for (var i = 0; i < 20; i++)
        {
            // More distinct valid headers than are remembered: the overflow is simply parsed every time.
            var header = $$"""{"alg":"HS256","kid":"{{TestKeys.Hs256.KeyId}}","typ":"at+jwt","x":{{i}}}""";
            var token = RawToken.Sign(header, RawToken.Payload(), TestKeys.Hs256);
            validator.ValidateToken(token).IsValid.Should().BeTrue();
            validator.ValidateToken(token).IsValid.Should().BeTrue();
        }
    }

    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public void Validate_ManyThreadsAtOnce_EveryVerdictIsRight(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        var validator = Validators.For(key.KeyType == SigningKeyType.Symmetric ? key : key.ToPublicKey());
        var valid = RawToken.Valid(key);
        var forged = RawToken.Valid(SigningKey.Generate(algorithm, key.KeyId));
        var wrong = new ConcurrentBag<string>();

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var expectValid = i % 2 == 0;
            var result = validator.ValidateToken(expectValid ? valid : forged);
            if (result.IsValid != expectValid || (!expectValid && result.Error != TokenValidationError.BadSignature))
            {
                wrong.Add($"{i}: {result.Error}");
            }
        });

        wrong.Should().BeEmpty();
    }

    [Test]
    public void Claims_ReadFromManyThreads_AreConsistent()
    {
        var token = RawToken.Valid(TestKeys.Hs256, RawToken.Payload(extra: "\"scope\":\"a b\",\"client_id\":\"c\",\"custom\":{\"n\":1}"));
        var claims = Validators.For(TestKeys.Hs256).ValidateToken(token).ThrowIfInvalid();
        var wrong = new ConcurrentBag<string>();

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (claims.Subject != "user-1" || claims.Issuer != RawToken.Issuer || claims.SessionId != "sid-1" || claims.ClientId != "c"
                || !claims.Scopes.SequenceEqual(["a", "b"]) || !claims.HasScope("b")
                || !claims.TryGetClaim("custom", out var custom) || custom.GetProperty("n").GetInt32() != 1)
            {
                wrong.Add("inconsistent");
            }
        });

        wrong.Should().BeEmpty();
        claims.NotBefore.Should().BeNull();
        claims.Audiences.Should().Equal(RawToken.Audience);
    }
}
