using JwtSessions.Dpop;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Dpop;

public sealed class DpopNonceTests
{
    private static readonly SigningKey s_key = SigningKey.Generate(JwtAlgorithm.ES256);
    private static readonly byte[] s_nonceKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private FakeTimeProvider _clock = null!;
    private DpopProofValidator _validator = null!;

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        s_key.Dispose();
    }

    [SetUp]
    public void SetUp()
    {
        _clock = TestClock.Create();
        _validator = new DpopProofValidator(new DpopProofValidatorOptions { NonceKey = s_nonceKey }, timeProvider: _clock);
    }

    private ValueTask<DpopProofResult> Validate(string proof) => _validator.ValidateAsync(proof, DpopProofs.Method, DpopProofs.Target);

    [Test]
    public async Task ValidateAsync_NoNonce_NonceRequiredWithFreshNonce()
    {
        var result = await Validate(DpopProofs.Create(s_key));

        result.Error.Should().Be(DpopProofError.NonceRequired);
        result.RfcError.Should().Be("use_dpop_nonce");
        result.Nonce.Should().NotBeNullOrEmpty();
    }

    [Test]
    public async Task ValidateAsync_ServerNonce_Valid()
    {
        var nonce = _validator.CreateNonce();

        var result = await Validate(DpopProofs.Create(s_key, nonce: nonce));

        result.Error.Should().Be(DpopProofError.None);
        result.Nonce.Should().NotBeNull();
    }

    [Test]
    public async Task ValidateAsync_NonceOfAnotherServerKey_InvalidNonce()
    {
        var other = new DpopProofValidator(new DpopProofValidatorOptions { NonceKey = new byte[32] }, timeProvider: _clock);

        var result = await Validate(DpopProofs.Create(s_key, nonce: other.CreateNonce()));

        result.Error.Should().Be(DpopProofError.InvalidNonce);
        result.RfcError.Should().Be("use_dpop_nonce");
    }

    [Test]
    public async Task ValidateAsync_NonceSharedKeyAcrossServers_Valid()
    {
        var other = new DpopProofValidator(new DpopProofValidatorOptions { NonceKey = s_nonceKey }, timeProvider: _clock);

        (await Validate(DpopProofs.Create(s_key, nonce: other.CreateNonce()))).Error.Should().Be(DpopProofError.None);
    }

    [Test]
    public async Task ValidateAsync_ExpiredNonce_InvalidNonce()
    {
        var nonce = _validator.CreateNonce();
        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var result = await Validate(DpopProofs.Create(s_key, iat: _clock.GetUtcNow().ToUnixTimeSeconds(), nonce: nonce));

        result.Error.Should().Be(DpopProofError.InvalidNonce);
    }

    [TestCase("garbage")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task ValidateAsync_ForgedNonce_InvalidNonce(string nonce)
        => (await Validate(DpopProofs.Create(s_key, nonce: nonce))).Error.Should().Be(DpopProofError.InvalidNonce);

    [Test]
    public void CreateNonce_NoncesOff_Null()
        => new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: _clock).CreateNonce().Should().BeNull();

    [Test]
    public void RequiresNonce_WithKey_True()
        => _validator.RequiresNonce.Should().BeTrue();
}
