using System.Text;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>The rejection paths of the JWS layer allocate nothing (docs/security.md, test bar 5): no garbage for an attacker to make us collect.</summary>
public sealed class TokenValidatorAllocationTests
{
    private static IEnumerable<TestCaseData> Rejections()
    {
        var key = TestKeys.Hs256;
        var valid = RawToken.Valid(key);
        var dot = valid.LastIndexOf('.');
        yield return new TestCaseData(valid[..(dot + 1)] + (valid[dot + 1] == 'A' ? 'B' : 'A') + valid[(dot + 2)..], TokenValidationError.BadSignature)
            .SetName("Validate_ModifiedSignature_DoesNotAllocate");
        yield return new TestCaseData(RawToken.Sign(RawToken.Header(key, typ: "JWT"), RawToken.Payload(), key), TokenValidationError.WrongType)
            .SetName("Validate_WrongType_DoesNotAllocate");
        yield return new TestCaseData(RawToken.Sign("""{"alg":"none"}""", RawToken.Payload(), key), TokenValidationError.UnsupportedAlgorithm)
            .SetName("Validate_AlgNone_DoesNotAllocate");
        yield return new TestCaseData(valid[..valid.IndexOf('.', StringComparison.Ordinal)] + ".." + valid[(dot + 1)..], TokenValidationError.Malformed)
            .SetName("Validate_EmptyPayload_DoesNotAllocate");
        yield return new TestCaseData(valid + "=", TokenValidationError.Malformed)
            .SetName("Validate_PaddedSignature_DoesNotAllocate");
    }

    [TestCaseSource(nameof(Rejections))]
    public void Validate_Rejection_DoesNotAllocate(string token, TokenValidationError expected)
    {
        var validator = Validators.For(TestKeys.Hs256);
        var bytes = Encoding.ASCII.GetBytes(token);
        for (var i = 0; i < 100; i++)
        {
            validator.ValidateToken(bytes).Error.Should().Be(expected);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = validator.ValidateToken(bytes).Error;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        error.Should().Be(expected);
        allocated.Should().Be(0);
    }
}
