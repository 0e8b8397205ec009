using JwtSessions.Dpop;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Dpop;

public sealed class DpopProofValidatorTests
{
    private static readonly SigningKey s_key = SigningKey.Generate(JwtAlgorithm.ES256);
    private static readonly SigningKey s_otherKey = SigningKey.Generate(JwtAlgorithm.ES256);

    private FakeTimeProvider _clock = null!;
    private DpopProofValidator _validator = null!;

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        s_key.Dispose();
        s_otherKey.Dispose();
    }

    [SetUp]
    public void SetUp()
    {
        _clock = TestClock.Create();
        _validator = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: _clock);
    }

    private ValueTask<DpopProofResult> Validate(string? proof, string method = DpopProofs.Method, Uri? uri = null, string? accessToken = null)
        => _validator.ValidateAsync(proof, method, uri ?? DpopProofs.Target, accessToken);

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.EdDSA)]
    [TestCase(JwtAlgorithm.PS256)]
    [TestCase(JwtAlgorithm.RS256)]
    public async Task ValidateAsync_ValidProof_ReturnsKeyThumbprint(JwtAlgorithm algorithm)
    {
        using var key = SigningKey.Generate(algorithm);

        var result = await Validate(DpopProofs.Create(key));

        result.Error.Should().Be(DpopProofError.None);
        result.IsValid.Should().BeTrue();
        result.Thumbprint.Should().Be(JwkThumbprint.Compute(key));
        result.Nonce.Should().BeNull();
    }

    [Test]
    public async Task ValidateAsync_NoProof_Missing()
    {
        (await Validate(null)).Error.Should().Be(DpopProofError.Missing);
        (await Validate(string.Empty)).Error.Should().Be(DpopProofError.Missing);
    }

    [Test]
    public async Task ValidateAsync_ProofOverSizeCap_TooLarge()
    {
        var proof = DpopProofs.Create(s_key, jti: new string('a', 5000));

        (await Validate(proof)).Error.Should().Be(DpopProofError.TooLarge);
    }

    [TestCase("not-a-proof")]
    [TestCase("a.b")]
    [TestCase("a.b.c.d.e")]
    [TestCase("eyJ0eXAiOiJkcG9wK2p3dCJ9..c2ln")]
    public async Task ValidateAsync_NotCompactJws_Malformed(string proof)
        => (await Validate(proof)).Error.Should().Be(DpopProofError.Malformed);

    [Test]
    public async Task ValidateAsync_DuplicateHeaderMember_Malformed()
    {
        var header = $"{{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"alg\":\"ES256\",\"jwk\":{s_key.ToJwk()}}}";
        var proof = DpopProofs.Sign(s_key, header, DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.Malformed);
    }

    [Test]
    public async Task ValidateAsync_DuplicateJwkMember_Malformed()
    {
        var jwk = s_key.ToJwk().Replace("\"kty\": \"EC\"", "\"kty\": \"EC\", \"kty\": \"EC\"", StringComparison.Ordinal);
        jwk.Should().Contain("\"kty\": \"EC\", \"kty\"");
        var proof = DpopProofs.Sign(s_key, DpopProofs.Header(s_key, jwk: jwk), DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.Malformed);
    }

    [Test]
    public async Task ValidateAsync_DuplicateClaim_Malformed()
    {
        var payload = $"{{\"jti\":\"a\",\"jti\":\"b\",\"htm\":\"GET\",\"htu\":\"{DpopProofs.Url}\",\"iat\":{TestClock.StartSeconds}}}";
        var proof = DpopProofs.Sign(s_key, DpopProofs.Header(s_key), payload);

        (await Validate(proof)).Error.Should().Be(DpopProofError.Malformed);
    }

    [Test]
    public async Task ValidateAsync_CritHeader_UnsupportedHeader()
    {
        var header = $"{{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"crit\":[\"exp\"],\"jwk\":{s_key.ToJwk()}}}";
        var proof = DpopProofs.Sign(s_key, header, DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.UnsupportedHeader);
    }

    [TestCase("jwt")]
    [TestCase("at+jwt")]
    [TestCase("")]
    public async Task ValidateAsync_WrongTyp_WrongType(string typ)
    {
        var proof = DpopProofs.Sign(s_key, DpopProofs.Header(s_key, typ: typ), DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.WrongType);
    }

    [TestCase("none")]
    [TestCase("HS256")]
    [TestCase("es256")]
    [TestCase("ES384")]
    public async Task ValidateAsync_AlgorithmOutsideAllowlist_UnsupportedAlgorithm(string alg)
    {
        var proof = DpopProofs.Sign(s_key, DpopProofs.Header(s_key, alg: alg), DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.UnsupportedAlgorithm);
    }

    [Test]
    public async Task ValidateAsync_NoneAlgorithmWithEmptySignature_UnsupportedAlgorithm()
    {
        var proof = DpopProofs.Encode(DpopProofs.Header(s_key, alg: "none")) + "." + DpopProofs.Encode(DpopProofs.Payload(TestClock.StartSeconds)) + ".";

        (await Validate(proof)).Error.Should().Be(DpopProofError.UnsupportedAlgorithm);
    }

    [Test]
    public async Task ValidateAsync_HmacProof_UnsupportedAlgorithm()
    {
        // An HMAC proof names HS256, which the allowlist refuses before the key is looked at.
        using var hmac = SigningKey.Generate(JwtAlgorithm.HS256);
        var header = "{\"typ\":\"dpop+jwt\",\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI\"}}";
        var proof = DpopProofs.Sign(hmac, header, DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.UnsupportedAlgorithm);
    }

    [Test]
    public async Task ValidateAsync_OctJwkUnderAsymmetricAlg_PrivateKey()
    {
        var header = "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI\"}}";
        var proof = DpopProofs.Sign(s_key, header, DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.PrivateKey);
    }

    [Test]
    public async Task ValidateAsync_NoJwk_InvalidKey()
    {
        var proof = DpopProofs.Sign(s_key, "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\"}", DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.InvalidKey);
    }

    [Test]
    public async Task ValidateAsync_JwkWithPrivateMembers_PrivateKey()
    {
        var proof = DpopProofs.Sign(s_key, DpopProofs.Header(s_key, jwk: s_key.ToJwk(includePrivateKey: true)), DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.PrivateKey);
    }

    [Test]
    public async Task ValidateAsync_JwkOfAnotherCurve_InvalidKey()
    {
        using var p384 = SigningKey.Generate(JwtAlgorithm.ES384);
        var proof = DpopProofs.Sign(s_key, DpopProofs.Header(s_key, jwk: p384.ToJwk()), DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.InvalidKey);
    }

    [Test]
    public async Task ValidateAsync_JwkPointOffCurve_InvalidKey()
    {
        var jwk = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\",\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}";
        var proof = DpopProofs.Sign(s_key, DpopProofs.Header(s_key, jwk: jwk), DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.InvalidKey);
    }

    [Test]
    public async Task ValidateAsync_SignedByAnotherKey_BadSignature()
    {
        var proof = DpopProofs.Sign(s_otherKey, DpopProofs.Header(s_key), DpopProofs.Payload(TestClock.StartSeconds));

        (await Validate(proof)).Error.Should().Be(DpopProofError.BadSignature);
    }

    [Test]
    public async Task ValidateAsync_TamperedPayload_BadSignature()
    {
        var proof = DpopProofs.Create(s_key);
        var parts = proof.Split('.');
        var forged = parts[0] + "." + DpopProofs.Encode(DpopProofs.Payload(TestClock.StartSeconds, htm: "POST")) + "." + parts[2];

        (await Validate(forged, method: "POST")).Error.Should().Be(DpopProofError.BadSignature);
    }

    [TestCase("jti")]
    [TestCase("htm")]
    [TestCase("htu")]
    [TestCase("iat")]
    public async Task ValidateAsync_RequiredClaimAbsent_MissingClaim(string claim)
    {
        var members = new Dictionary<string, string>
        {
            ["jti"] = "\"j1\"", ["htm"] = "\"GET\"", ["htu"] = $"\"{DpopProofs.Url}\"", ["iat"] = TestClock.StartSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        members.Remove(claim);
        var payload = "{" + string.Join(",", members.Select(m => $"\"{m.Key}\":{m.Value}")) + "}";

        (await Validate(DpopProofs.Sign(s_key, DpopProofs.Header(s_key), payload))).Error.Should().Be(DpopProofError.MissingClaim);
    }

    [TestCase("\"iat\":\"1768478400\"")]
    [TestCase("\"iat\":1e309")]
    [TestCase("\"jti\":\"\"")]
    [TestCase("\"jti\":42")]
    public async Task ValidateAsync_ClaimOfWrongType_InvalidClaim(string member)
    {
        var payload = $"{{\"htm\":\"GET\",\"htu\":\"{DpopProofs.Url}\",{member}"
            + (member.StartsWith("\"iat\"", StringComparison.Ordinal) ? ",\"jti\":\"j\"}" : $",\"iat\":{TestClock.StartSeconds}}}");

        (await Validate(DpopProofs.Sign(s_key, DpopProofs.Header(s_key), payload))).Error.Should().Be(DpopProofError.InvalidClaim);
    }

    [TestCase("POST")]
    [TestCase("get")]
    public async Task ValidateAsync_OtherMethod_MethodMismatch(string htm)
        => (await Validate(DpopProofs.Create(s_key, htm: htm))).Error.Should().Be(DpopProofError.MethodMismatch);

    [TestCase("https://api.example.com/payments")]
    [TestCase("https://evil.example.com/orders")]
    [TestCase("http://api.example.com/orders")]
    [TestCase("https://api.example.com:8443/orders")]
    [TestCase("https://api.example.com/payments?to=/orders")]
    [TestCase("/orders")]
    public async Task ValidateAsync_OtherUri_UriMismatch(string htu)
        => (await Validate(DpopProofs.Create(s_key, htu: htu))).Error.Should().Be(DpopProofError.UriMismatch);

    [TestCase("https://api.example.com/orders", "https://api.example.com/orders?page=2")]
    [TestCase("https://api.example.com/orders?page=2", "https://api.example.com/orders")]
    [TestCase("https://api.example.com/orders#frag", "https://api.example.com/orders")]
    [TestCase("HTTPS://API.Example.COM:443/orders", "https://api.example.com/orders")]
    [TestCase("https://api.example.com/%6Frders", "https://api.example.com/orders")]
    public async Task ValidateAsync_SameUriOtherSpellingOrQuery_Valid(string htu, string requestUri)
        => (await Validate(DpopProofs.Create(s_key, htu: htu), uri: new Uri(requestUri))).Error.Should().Be(DpopProofError.None);

    [Test]
    public async Task ValidateAsync_IatPastWindow_TooOld()
    {
        var proof = DpopProofs.Create(s_key, iat: TestClock.StartSeconds - 121);

        (await Validate(proof)).Error.Should().Be(DpopProofError.TooOld);
    }

    [Test]
    public async Task ValidateAsync_IatAtWindowEdge_Valid()
        => (await Validate(DpopProofs.Create(s_key, iat: TestClock.StartSeconds - 120))).Error.Should().Be(DpopProofError.None);

    [Test]
    public async Task ValidateAsync_IatInFutureBeyondSkew_IssuedInFuture()
        => (await Validate(DpopProofs.Create(s_key, iat: TestClock.StartSeconds + 11))).Error.Should().Be(DpopProofError.IssuedInFuture);

    [Test]
    public async Task ValidateAsync_SameProofTwice_Replayed()
    {
        var proof = DpopProofs.Create(s_key);

        (await Validate(proof)).Error.Should().Be(DpopProofError.None);
        (await Validate(proof)).Error.Should().Be(DpopProofError.Replayed);
    }

    [Test]
    public async Task ValidateAsync_ReplayOnAnotherServerSharingTheCache_Replayed()
    {
        var shared = new InMemoryDpopReplayCache(timeProvider: _clock);
        var first = new DpopProofValidator(new DpopProofValidatorOptions(), shared, _clock);
        var second = new DpopProofValidator(new DpopProofValidatorOptions(), shared, _clock);
        var proof = DpopProofs.Create(s_key);

        (await first.ValidateAsync(proof, DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.None);
        (await second.ValidateAsync(proof, DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.Replayed);
    }

    [Test]
    public async Task ValidateAsync_SameJtiFromAnotherKey_Valid()
    {
        (await Validate(DpopProofs.Create(s_key, jti: "shared"))).Error.Should().Be(DpopProofError.None);
        (await Validate(DpopProofs.Create(s_otherKey, jti: "shared"))).Error.Should().Be(DpopProofError.None);
    }

    [Test]
    public async Task ValidateAsync_RejectedProof_TakesNoRoomInReplayCache()
    {
        var cache = new InMemoryDpopReplayCache(timeProvider: _clock);
        var validator = new DpopProofValidator(new DpopProofValidatorOptions(), cache, _clock);

        await validator.ValidateAsync(DpopProofs.Create(s_key, htm: "POST"), DpopProofs.Method, DpopProofs.Target);

        cache.Count.Should().Be(0);
    }

    [Test]
    public async Task ValidateAsync_AccessTokenWithoutAth_MissingAccessTokenHash()
        => (await Validate(DpopProofs.Create(s_key), accessToken: "token")).Error.Should().Be(DpopProofError.MissingAccessTokenHash);

    [Test]
    public async Task ValidateAsync_AthOfAnotherToken_AccessTokenHashMismatch()
    {
        var proof = DpopProofs.Create(s_key, ath: DpopProofs.Ath("other-token"));

        (await Validate(proof, accessToken: "token")).Error.Should().Be(DpopProofError.AccessTokenHashMismatch);
    }

    [Test]
    public async Task ValidateAsync_AthOfPresentedToken_Valid()
    {
        var proof = DpopProofs.Create(s_key, ath: DpopProofs.Ath("token"));

        (await Validate(proof, accessToken: "token")).Error.Should().Be(DpopProofError.None);
    }

    [Test]
    public void Options_HmacAlgorithmAllowed_Refused()
    {
        var options = new DpopProofValidatorOptions();
        options.AllowedAlgorithms.Add(JwtAlgorithm.HS256);

        options.Validate().Should().ContainSingle().Which.Should().Contain(nameof(DpopProofValidatorOptions.AllowedAlgorithms));
        FluentActions.Invoking(() => new DpopProofValidator(options)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Options_Defaults_ListNoProblem()
        => new DpopProofValidatorOptions().Validate().Should().BeEmpty();

    [Test]
    public void Options_ShortNonceKeyAndBadWindow_ListedByName()
    {
        var options = new DpopProofValidatorOptions { NonceKey = new byte[16], IatWindow = TimeSpan.Zero, MaxProofSize = 10 };

        options.Validate().Should().HaveCount(3)
            .And.Contain(p => p.Contains(nameof(DpopProofValidatorOptions.NonceKey), StringComparison.Ordinal))
            .And.Contain(p => p.Contains(nameof(DpopProofValidatorOptions.IatWindow), StringComparison.Ordinal))
            .And.Contain(p => p.Contains(nameof(DpopProofValidatorOptions.MaxProofSize), StringComparison.Ordinal));
    }

    [Test]
    public void SupportedAlgorithms_Default_ListsTheFourAsymmetricOnes()
        => _validator.SupportedAlgorithms.Should().Be("ES256 EdDSA PS256 RS256");

    [Test]
    public Task ValidateAsync_RelativeRequestUri_Throws()
        => FluentActions.Awaiting(async () => await _validator.ValidateAsync(DpopProofs.Create(s_key), "GET", new Uri("/orders", UriKind.Relative)))
            .Should().ThrowAsync<ArgumentException>();
}
