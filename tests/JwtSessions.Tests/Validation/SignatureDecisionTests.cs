using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// The validator never compares a signature itself: it hands the decoded bytes, at the algorithm's exact length, to the
/// key, and the key's answer alone decides (docs/validation.md step 15; the key's own comparison is held to constant time
/// by <c>HmacTagComparisonTests</c>).
/// </summary>
public sealed class SignatureDecisionTests
{
    [Test]
    public void Validate_KeySaysYesToAWrongSignature_IsValid()
    {
        var oracle = new OracleSigningKey(TestKeys.Hs256) { Answer = true };
        var validator = Validators.For(KeyRing.ForVerification(oracle));
        var token = RawToken.Valid(TestKeys.Hs256);
        var forged = token[..(token.LastIndexOf('.') + 1)] + RawToken.B64(new byte[32]);

        validator.ValidateToken(forged).Error.Should().Be(TokenValidationError.None);
        oracle.Calls.Should().Be(1);
        oracle.LastSignature.Should().Equal(new byte[32]);
    }

    [Test]
    public void Validate_KeySaysNoToTheRightSignature_IsBadSignature()
    {
        var oracle = new OracleSigningKey(TestKeys.Hs256) { Answer = false };
        var validator = Validators.For(KeyRing.ForVerification(oracle));

        validator.ValidateToken(RawToken.Valid(TestKeys.Hs256)).Error.Should().Be(TokenValidationError.BadSignature);
        oracle.Calls.Should().Be(1);
    }

    [TestCase(31)]
    [TestCase(33)]
    [TestCase(0)]
    public void Validate_SignatureOfAnotherLength_IsBadSignatureWithoutAskingTheKey(int length)
    {
        var oracle = new OracleSigningKey(TestKeys.Hs256) { Answer = true };
        var validator = Validators.For(KeyRing.ForVerification(oracle));
        var token = RawToken.Valid(TestKeys.Hs256);
        var resized = token[..(token.LastIndexOf('.') + 1)] + RawToken.B64(new byte[length]);

        validator.ValidateToken(resized).Error.Should().Be(TokenValidationError.BadSignature);
        oracle.Calls.Should().Be(0);
    }
}
