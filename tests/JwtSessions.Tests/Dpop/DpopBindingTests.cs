using JwtSessions.Dpop;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Dpop;

/// <summary>Access tokens bound to a DPoP key (RFC 9449 §6, §7): cnf.jkt written by the issuer, enforced by the validator.</summary>
public sealed class DpopBindingTests
{
    private static readonly SigningKey s_tokenKey = SigningKey.Generate(JwtAlgorithm.ES256);
    private static readonly SigningKey s_clientKey = SigningKey.Generate(JwtAlgorithm.ES256);
    private static readonly SigningKey s_thiefKey = SigningKey.Generate(JwtAlgorithm.ES256);

    private FakeTimeProvider _clock = null!;
    private TokenIssuer _issuer = null!;
    private TokenValidator _validator = null!;
    private DpopProofValidator _proofs = null!;

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        s_tokenKey.Dispose();
        s_clientKey.Dispose();
        s_thiefKey.Dispose();
    }

    [SetUp]
    public void SetUp()
    {
        _clock = TestClock.Create();
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(s_tokenKey), TimeProvider = _clock };
        options.Audiences.Add(RawToken.Audience);
        _issuer = new TokenIssuer(options);
        _validator = Validators.For(s_tokenKey, _clock);
        _proofs = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: _clock);
    }

    private string BoundToken(SigningKey? client = null)
    {
        var descriptor = new AccessTokenDescriptor { Subject = "alice", SessionId = "s1", KeyThumbprint = JwkThumbprint.Compute(client ?? s_clientKey) };
        return _issuer.Issue(descriptor).Token;
    }

    private ValueTask<DpopValidationResult> Request(string authorization, string? proof, TokenValidator? validator = null)
        => (validator ?? _validator).ValidateDpopRequestAsync(authorization, proof, DpopProofs.Method, DpopProofs.Target, _proofs);

    private static string ProofFor(SigningKey key, string token) => DpopProofs.Create(key, ath: DpopProofs.Ath(token));

    [Test]
    public async Task ValidateDpopRequestAsync_BoundTokenWithProofOfItsKey_Valid()
    {
        var token = BoundToken();

        var result = await Request("DPoP " + token, ProofFor(s_clientKey, token));

        result.Error.Should().Be(TokenValidationError.None);
        result.IsDpop.Should().BeTrue();
        result.Claims!.KeyThumbprint.Should().Be(JwkThumbprint.Compute(s_clientKey));
        result.Claims.Subject.Should().Be("alice");
        result.Proof!.Thumbprint.Should().Be(JwkThumbprint.Compute(s_clientKey));
    }

    [TestCase("dpop ")]
    [TestCase("DPOP ")]
    public async Task ValidateDpopRequestAsync_SchemeInAnyCase_Valid(string scheme)
    {
        var token = BoundToken();

        (await Request(scheme + token, ProofFor(s_clientKey, token))).Error.Should().Be(TokenValidationError.None);
    }

    [Test]
    public void ValidateAuthorizationHeader_BoundTokenAsBearer_DpopProofRequired()
        => _validator.ValidateAuthorizationHeader("Bearer " + BoundToken()).Error.Should().Be(TokenValidationError.DpopProofRequired);

    [Test]
    public void ValidateToken_BoundToken_DpopProofRequired()
        => _validator.ValidateToken(BoundToken()).Error.Should().Be(TokenValidationError.DpopProofRequired);

    [Test]
    public void TryValidateToken_BoundToken_DpopProofRequired()
    {
        var buffer = new byte[_validator.ClaimsBufferSize];

        _validator.TryValidateToken(BoundToken().AsSpan(), buffer, out _, out var error).Should().BeFalse();

        error.Should().Be(TokenValidationError.DpopProofRequired);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_BoundTokenAsBearer_DpopProofRequired()
    {
        var token = BoundToken();

        (await Request("Bearer " + token, ProofFor(s_clientKey, token))).Error.Should().Be(TokenValidationError.DpopProofRequired);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_BoundTokenFromCacheAsBearer_DpopProofRequired()
    {
        var cached = Validators.For(s_tokenKey, _clock, o => o.Cache = new VerifiedTokenCacheOptions());
        var token = BoundToken();
        (await Request("DPoP " + token, ProofFor(s_clientKey, token), cached)).Error.Should().Be(TokenValidationError.None);
        cached.CachedTokenCount.Should().Be(1);

        cached.ValidateAuthorizationHeader("Bearer " + token).Error.Should().Be(TokenValidationError.DpopProofRequired);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_NoDpopHeader_DpopProofRequired()
        => (await Request("DPoP " + BoundToken(), proof: null)).Error.Should().Be(TokenValidationError.DpopProofRequired);

    [Test]
    public async Task ValidateDpopRequestAsync_ProofFromAnotherKey_DpopKeyMismatch()
    {
        var token = BoundToken();

        var result = await Request("DPoP " + token, ProofFor(s_thiefKey, token));

        result.Error.Should().Be(TokenValidationError.DpopKeyMismatch);
        result.Proof!.Error.Should().Be(DpopProofError.KeyMismatch);
        result.Claims.Should().BeNull();
    }

    [Test]
    public async Task ValidateDpopRequestAsync_ProofFromAnotherKey_TakesNoRoomInReplayCache()
    {
        var cache = new InMemoryDpopReplayCache(timeProvider: _clock);
        _proofs = new DpopProofValidator(new DpopProofValidatorOptions(), cache, _clock);
        var token = BoundToken();

        await Request("DPoP " + token, ProofFor(s_thiefKey, token));

        cache.Count.Should().Be(0);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_ProofWithoutAth_InvalidDpopProof()
    {
        var result = await Request("DPoP " + BoundToken(), DpopProofs.Create(s_clientKey));

        result.Error.Should().Be(TokenValidationError.InvalidDpopProof);
        result.Proof!.Error.Should().Be(DpopProofError.MissingAccessTokenHash);
        result.Proof.RfcError.Should().Be("invalid_dpop_proof");
    }

    [Test]
    public async Task ValidateDpopRequestAsync_ProofForAnotherToken_InvalidDpopProof()
    {
        var token = BoundToken();
        var other = BoundToken();

        var result = await Request("DPoP " + token, ProofFor(s_clientKey, other));

        result.Error.Should().Be(TokenValidationError.InvalidDpopProof);
        result.Proof!.Error.Should().Be(DpopProofError.AccessTokenHashMismatch);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_ReplayedProof_InvalidDpopProof()
    {
        var token = BoundToken();
        var proof = ProofFor(s_clientKey, token);
        await Request("DPoP " + token, proof);

        var result = await Request("DPoP " + token, proof);

        result.Error.Should().Be(TokenValidationError.InvalidDpopProof);
        result.Proof!.Error.Should().Be(DpopProofError.Replayed);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_UnboundTokenWithDpopScheme_DpopKeyMismatch()
    {
        var token = _issuer.Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;

        (await Request("DPoP " + token, ProofFor(s_clientKey, token))).Error.Should().Be(TokenValidationError.DpopKeyMismatch);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_UnboundBearerToken_Valid()
    {
        var token = _issuer.Issue(new AccessTokenDescriptor { Subject = "alice" }).Token;

        var result = await Request("Bearer " + token, proof: null);

        result.Error.Should().Be(TokenValidationError.None);
        result.IsDpop.Should().BeFalse();
    }

    [TestCase("DPoP  x.y.z")]
    [TestCase("DPoP a b")]
    public async Task ValidateDpopRequestAsync_SpaceInCredential_InvalidAuthorizationHeader(string header)
        => (await Request(header, proof: null)).Error.Should().Be(TokenValidationError.InvalidAuthorizationHeader);

    [Test]
    public async Task ValidateDpopRequestAsync_ForgedBoundToken_BadSignature()
    {
        var token = BoundToken();
        var forged = token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..];

        (await Request("DPoP " + forged, ProofFor(s_clientKey, forged))).Error.Should().Be(TokenValidationError.BadSignature);
    }

    [Test]
    public async Task ValidateDpopRequestAsync_NoncesOnWithoutNonce_DpopNonceRequired()
    {
        _proofs = new DpopProofValidator(new DpopProofValidatorOptions { NonceKey = new byte[32] }, timeProvider: _clock);
        var token = BoundToken();

        var result = await Request("DPoP " + token, ProofFor(s_clientKey, token));

        result.Error.Should().Be(TokenValidationError.DpopNonceRequired);
        result.Proof!.RfcError.Should().Be("use_dpop_nonce");
        result.Proof.Nonce.Should().NotBeNull();
    }

    [Test]
    public void Issue_MalformedKeyThumbprint_Throws()
        => FluentActions.Invoking(() => _issuer.Issue(new AccessTokenDescriptor { Subject = "alice", KeyThumbprint = "not-a-thumbprint" }))
            .Should().Throw<ArgumentException>();

    [Test]
    public void Issue_CnfAsCustomClaim_Throws()
    {
        var descriptor = new AccessTokenDescriptor { Subject = "alice" };
        descriptor.Claims["cnf"] = "x";

        FluentActions.Invoking(() => _issuer.Issue(descriptor)).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Issue_BoundToken_PayloadHasCnfJktAfterTheStandardClaims()
    {
        var token = BoundToken();
        var payload = System.Text.Encoding.UTF8.GetString(Forge.Unb64(token.Split('.')[1]));

        payload.Should().EndWith($",\"cnf\":{{\"jkt\":\"{JwkThumbprint.Compute(s_clientKey)}\"}}}}");
    }

    [TestCase("{\"cnf\":\"x\"}", TokenValidationError.InvalidClaim)]
    [TestCase("{\"cnf\":{\"jkt\":1}}", TokenValidationError.InvalidClaim)]
    [TestCase("{\"cnf\":{\"jkt\":\"a\",\"jkt\":\"b\"}}", TokenValidationError.Malformed)]
    public void ValidateToken_SignedPayloadWithBadCnf_Rejected(string cnf, TokenValidationError expected)
    {
        var claims = Forge.Claims(("cnf", cnf[7..^1]));
        var token = Forge.SignSegments(Forge.B64(Forge.Header(s_tokenKey)), Forge.B64(claims), s_tokenKey);

        _validator.ValidateToken(token).Error.Should().Be(expected);
    }

    [Test]
    public void ValidateToken_SignedPayloadWithOtherConfirmationMethod_DpopProofRequired()
    {
        var claims = Forge.Claims(("cnf", "{\"x5t#S256\":\"abc\"}"));
        var token = Forge.SignSegments(Forge.B64(Forge.Header(s_tokenKey)), Forge.B64(claims), s_tokenKey);

        _validator.ValidateToken(token).Error.Should().Be(TokenValidationError.DpopProofRequired);
    }
}
