using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Internal;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Signing;

/// <summary>
/// RFC 7518 §3.2: an HMAC tag is accepted only whole, and "the comparison of the computed HMAC value to the JWS Signature
/// value MUST be done in a constant-time manner" (docs/security.md, attack 17 and test bar 6). Timing cannot be asserted
/// reliably in a unit test: the answers are checked by behaviour, and the compiled comparison by the calls it makes.
/// <see cref="ConstantTimeTests"/> checks the comparison's answers, <see cref="ConstantTimeSourceTests"/> its shape.
/// </summary>
public sealed class HmacTagComparisonTests
{
    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.HS384)]
    [TestCase(JwtAlgorithm.HS512)]
    public void VerifySignature_EveryBitFlipTruncationAndExtension_IsRejected(JwtAlgorithm algorithm)
    {
        var key = SigningKey.Generate(algorithm);
        var input = Encoding.ASCII.GetBytes("eyJhbGciOiJIUzI1NiJ9.e30");
        var tag = new byte[key.SignatureSize];
        key.Sign(input, tag).Should().Be(tag.Length);
        key.VerifySignature(input, tag).Should().BeTrue();

        for (var bit = 0; bit < tag.Length * 8; bit++)
        {
            var flipped = (byte[])tag.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            key.VerifySignature(input, flipped).Should().BeFalse("bit {0} flipped", bit);
        }

        for (var length = 0; length < tag.Length; length++)
        {
            key.VerifySignature(input, tag.AsSpan(0, length)).Should().BeFalse("truncated to {0} bytes", length);
        }

        key.VerifySignature(input, [.. tag, 0]).Should().BeFalse("one byte appended");
    }

    [Test]
    public void VerifySignature_Compiled_ComparesThroughConstantTimeOnly()
    {
        var verify = typeof(HmacSigningKey).GetMethod("VerifySignature", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var areEqual = typeof(ConstantTime).GetMethod(nameof(ConstantTime.AreEqual))!;

        var calls = IlCalls.Of(verify);

        calls.Should().Contain(areEqual);
        calls.Select(static m => m.Name).Should().NotContain(
            ["SequenceEqual", "SequenceCompareTo", "Equals", "CompareTo", "FixedTimeEquals", "op_Equality"],
            "a comparison that can exit early would leak the tag byte by byte");
    }

    [Test]
    public void IlCalls_ReadsTheCallsOfACompiledMethod()
    {
        // The reader itself: a method known to call SequenceEqual is seen to.
        IlCalls.Of(typeof(HmacTagComparisonTests).GetMethod(nameof(UsesSequenceEqual), BindingFlags.Static | BindingFlags.NonPublic)!)
            .Select(static m => m.Name).Should().Contain("SequenceEqual");
    }

    private static bool UsesSequenceEqual(byte[] left, byte[] right) => left.AsSpan().SequenceEqual(right);
}
