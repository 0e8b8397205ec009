using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Issuance;

/// <summary>The issuer's <see cref="TokenIssuerOptions.MaxTokenSize"/>: what it mints, a validator with the same limit accepts.</summary>
public sealed class TokenIssuerSizeTests
{
    private const int Limit = 1024;

    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public void Issue_ClaimGrowingPastTheLimit_MintedUpToItThenRefusedExactlyWhereTheValidatorWouldReject(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        var time = TestClock.Create();
        var capped = Issuer(key, time, Limit);
        var uncapped = Issuer(key, time, 64 * 1024);
        var validator = Validators.For(key, time, o => o.MaxTokenSize = Limit);

        // The largest note the capped issuer mints; one character more is refused.
        var length = 0;
        while (TryIssue(capped, length + 1) is not null)
        {
            length++;
        }

        var largest = TryIssue(capped, length)!;
        largest.Length.Should().BeLessThanOrEqualTo(Limit);
        validator.ValidateToken(largest).Error.Should().Be(TokenValidationError.None);

        var act = () => capped.Issue(Descriptor(length + 1));
        act.Should().Throw<ArgumentException>().WithParameterName("descriptor").WithMessage($"*over the issuer's MaxTokenSize of {Limit}*nothing was signed*");
        var refused = uncapped.Issue(Descriptor(length + 1)).Token;
        refused.Length.Should().BeGreaterThan(Limit);
        validator.ValidateToken(refused).Error.Should().Be(TokenValidationError.TooLarge);
    }

    [TestCaseSource(nameof(ExternalSigners))]
    public async Task IssueAsync_ExternalSignerClaimGrowingPastTheLimit_RefusedExactlyWhereTheTokenWouldExceedIt(JwtAlgorithm algorithm, bool synchronous)
    {
        using var signer = FakeKmsSigner.Create(algorithm, synchronous: synchronous);
        using var key = SigningKey.FromExternalSigner(signer.PublicKey, signer);
        var time = TestClock.Create();
        var capped = Issuer(key, time, Limit);
        var uncapped = Issuer(key, time, 64 * 1024);

        // Every note length either side of the limit: minted exactly when the token the uncapped issuer mints fits.
        for (var length = 0; length < Limit; length++)
        {
            var fits = (await uncapped.IssueAsync(Descriptor(length))).Token.Length <= Limit;
            var minted = await TryIssueAsync(capped, length);
            (minted is not null).Should().Be(fits, $"a {length}-character note {(fits ? "fits" : "does not fit")} under {algorithm}");
            if (!fits)
            {
                break;
            }
        }
    }

    [Test]
    public async Task IssueAsync_OverTheLimit_RefusedBeforeTheSignerIsCalled()
    {
        using var signer = FakeKmsSigner.Create(JwtAlgorithm.ES256);
        using var key = SigningKey.FromExternalSigner(signer.PublicKey, signer);
        var issuer = Issuer(key, TestClock.Create(), Limit);

        var act = () => issuer.IssueAsync(Descriptor(Limit)).AsTask();

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*MaxTokenSize*");
        signer.Calls.Should().Be(0, "nothing is sent to the signer for a token that would be refused");
    }

    [TestCase(255)]
    [TestCase(64 * 1024 + 1)]
    public void Options_MaxTokenSizeOutOfBounds_Refused(int size)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Hs256), MaxTokenSize = size };
        options.Audiences.Add(RawToken.Audience);
        options.Validate().Should().Equal("The maximum token size must be between 256 bytes and 64 KiB.");
    }

    private static string? TryIssue(TokenIssuer issuer, int noteLength)
    {
        try
        {
            return issuer.Issue(Descriptor(noteLength)).Token;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static IEnumerable<TestCaseData> ExternalSigners()
        => new[] { JwtAlgorithm.RS256, JwtAlgorithm.PS512, JwtAlgorithm.ES512 }
            .SelectMany(static a => new[] { new TestCaseData(a, false), new TestCaseData(a, true) });

    private static async Task<string?> TryIssueAsync(TokenIssuer issuer, int noteLength)
    {
        try
        {
            return (await issuer.IssueAsync(Descriptor(noteLength))).Token;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static AccessTokenDescriptor Descriptor(int noteLength)
    {
        var descriptor = new AccessTokenDescriptor { Subject = "alice" };
        descriptor.Claims["note"] = new string('a', noteLength);
        return descriptor;
    }

    private static TokenIssuer Issuer(SigningKey key, TimeProvider time, int maxTokenSize)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(key), TimeProvider = time, MaxTokenSize = maxTokenSize };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }
}
