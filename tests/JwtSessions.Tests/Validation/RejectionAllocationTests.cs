using System.Text;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// docs/security.md, test bar 5: after warm-up, rejecting a token allocates nothing, for both the string and the UTF-8 overloads,
/// so malformed, oversized and forged input cannot pressure the GC. The exceptions are listed with their cause.
/// </summary>
[NonParallelizable]
public sealed class RejectionAllocationTests
{
    private const int Iterations = 1000;

    /// <summary>
    /// Rejections that allocate, each for a reason outside this library's code. Per call the amount is a constant that
    /// does not grow with the input (checked by <see cref="Validate_KnownAllocatingRejection_AllocatesABoundedConstant"/>).
    /// </summary>
    private static readonly Dictionary<string, (int Budget, string Reason)> s_allocating = new(StringComparer.Ordinal)
    {
        // Utf8JsonReader reports a syntax error by throwing JsonException; CopyString throws InvalidOperationException
        // for a lone surrogate. The header cases are reachable without a key; the payload cases only after the
        // signature verified, so only with a key.
        ["json-trailing-garbage-header"] = (2048, JsonSyntax),
        ["json-trailing-garbage-header-second-object"] = (2048, JsonSyntax),
        ["json-trailing-garbage-header-nul"] = (2048, JsonSyntax),
        ["json-utf16-header"] = (2048, JsonSyntax),
        ["json-utf16be-header"] = (2048, JsonSyntax),
        ["json-utf32-header"] = (2048, JsonSyntax),
        ["json-bom-header"] = (2048, JsonSyntax),
        ["json-lone-surrogate-header"] = (2048, JsonSyntax),
        ["json-lone-surrogate-in-typ-array"] = (2048, JsonSyntax),
        ["json-lone-surrogate-long-alg"] = (2048, JsonSyntax),
        ["json-lone-surrogate-long-typ"] = (2048, JsonSyntax),
        ["json-comment-header"] = (2048, JsonSyntax),
        ["json-trailing-comma-header"] = (2048, JsonSyntax),
        ["json-trailing-garbage-payload"] = (2048, JsonSyntax),
        ["json-trailing-garbage-payload-second-object"] = (2048, JsonSyntax),
        ["json-trailing-garbage-payload-nul"] = (2048, JsonSyntax),
        ["json-utf16-payload"] = (2048, JsonSyntax),
        ["json-bom-payload"] = (2048, JsonSyntax),
        ["json-lone-surrogate-claim"] = (2048, JsonSyntax),
        ["json-lone-low-surrogate-claim"] = (2048, JsonSyntax),
        ["json-lone-surrogate-custom-claim"] = (2048, JsonSyntax),
        ["json-lone-surrogate-claim-name"] = (2048, JsonSyntax),
        ["json-deep-nesting"] = (2048, JsonSyntax),
        ["json-deep-nesting-objects"] = (2048, JsonSyntax),
        ["json-nesting-17-payload"] = (2048, JsonSyntax),
        ["json-trailing-comma-payload"] = (2048, JsonSyntax),
        ["json-single-quotes-payload"] = (2048, JsonSyntax),
        ["json-unquoted-name-payload"] = (2048, JsonSyntax),
        ["json-nan-claim"] = (2048, JsonSyntax),
        ["json-invalid-escape-claim"] = (2048, JsonSyntax),
        ["json-raw-control-char-claim"] = (2048, JsonSyntax),

        // An ES256 signature of the right length with 1 <= r, s < n reaches the platform, and .NET's OpenSSL ECDSA verify
        // allocates about 1.2 KB per call whatever the signature format (measured with ECDsaOpenSsl.VerifyHash directly).
        ["jwk-header-attacker-key-without-jwk"] = (2048, PlatformEcdsa),
        ["es256-r-s-swapped"] = (2048, PlatformEcdsa),

        // BouncyCastle's Ed25519 verify allocates its field elements and points (S >= L is refused before that).
        ["eddsa-flipped-last-bit"] = (8192, "BouncyCastle Ed25519.Verify allocates its working state"),
    };

    private const string JsonSyntax = "System.Text.Json throws on malformed JSON";
    private const string PlatformEcdsa = "the .NET OpenSSL ECDSA verifier allocates";

    public static IEnumerable<TestCaseData> ZeroAllocationCases() => AdversarialCorpus.All
        .Where(static c => c.Expected != TokenValidationError.None && !s_allocating.ContainsKey(c.Id))
        .Select(static c => new TestCaseData(c.Id).SetName("NoAllocation_" + c.Id));

    public static IEnumerable<TestCaseData> AllocatingCases() => s_allocating.Keys.Select(static id => new TestCaseData(id).SetName("BoundedAllocation_" + id));

    [TestCaseSource(nameof(ZeroAllocationCases))]
    public void Validate_RejectedInputAfterWarmUp_AllocatesNothing(string id)
    {
        var corpusCase = AdversarialCorpus.All.Single(c => c.Id == id);
        var (fromString, fromUtf8) = Measure(corpusCase);

        fromString.Should().Be(0, "rejecting '{0}' as a string must not allocate", id);
        fromUtf8.Should().Be(0, "rejecting '{0}' as UTF-8 must not allocate", id);
    }

    [TestCaseSource(nameof(AllocatingCases))]
    public void Validate_KnownAllocatingRejection_AllocatesABoundedConstant(string id)
    {
        var corpusCase = AdversarialCorpus.All.Single(c => c.Id == id);
        corpusCase.Expected.Should().NotBe(TokenValidationError.None);
        var (budget, reason) = s_allocating[id];

        var (fromString, fromUtf8) = Measure(corpusCase);

        (fromString / Iterations).Should().BeLessThanOrEqualTo(budget, reason);
        (fromUtf8 / Iterations).Should().BeLessThanOrEqualTo(budget, reason);
    }

    [Test]
    public void AllocatingCases_AreAllInTheCorpus()
        => s_allocating.Keys.Where(id => AdversarialCorpus.All.All(c => c.Id != id)).Should().BeEmpty();

    private static (long FromString, long FromUtf8) Measure(CorpusCase corpusCase)
    {
        var validator = corpusCase.Validator;
        var text = corpusCase.Input;
        var utf8 = Encoding.UTF8.GetBytes(text);
        var header = corpusCase.IsHeader;
        var wrong = 0;
        for (var i = 0; i < 100; i++)
        {
            wrong += ValidateText(text) != corpusCase.Expected ? 1 : 0;
            wrong += Validate(utf8) != corpusCase.Expected ? 1 : 0;
        }

        var start = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            wrong += ValidateText(text) != corpusCase.Expected ? 1 : 0;
        }

        var middle = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            wrong += Validate(utf8) != corpusCase.Expected ? 1 : 0;
        }

        var end = GC.GetAllocatedBytesForCurrentThread();
        wrong.Should().Be(0);
        return (middle - start, end - middle);

        TokenValidationError Validate(ReadOnlySpan<byte> input)
            => header ? validator.ValidateAuthorizationHeader(input).Error : validator.ValidateToken(input).Error;

        TokenValidationError ValidateText(string input)
            => header ? validator.ValidateAuthorizationHeader(input).Error : validator.ValidateToken(input).Error;
    }
}
