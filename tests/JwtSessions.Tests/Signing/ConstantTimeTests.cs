using System.Security.Cryptography;
using JwtSessions.Internal;

namespace JwtSessions.Tests.Signing;

/// <summary><see cref="ConstantTime.AreEqual"/> gives exactly the answers of the BCL's <see cref="CryptographicOperations.FixedTimeEquals"/>.</summary>
public sealed class ConstantTimeTests
{
    [Test]
    public void AreEqual_EveryLengthAndEveryDifferingBit_AgreesWithFixedTimeEquals()
    {
        var comparisons = 0;
        for (var length = 0; length <= 80; length++)
        {
            var left = RandomNumberGenerator.GetBytes(length);
            var right = (byte[])left.Clone();
            ConstantTime.AreEqual(left, right).Should().BeTrue("equal spans of length {0}", length);

            for (var position = 0; position < length; position++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    right[position] ^= (byte)(1 << bit);
                    var expected = CryptographicOperations.FixedTimeEquals(left, right);
                    expected.Should().BeFalse();
                    ConstantTime.AreEqual(left, right).Should().Be(expected, "length {0}, bit {1} of byte {2}", length, bit, position);
                    right[position] ^= (byte)(1 << bit);
                    comparisons++;
                }
            }
        }

        comparisons.Should().Be(8 * 80 * 81 / 2);
    }

    [TestCase(0, 1)]
    [TestCase(32, 31)]
    [TestCase(32, 33)]
    [TestCase(64, 48)]
    public void AreEqual_DifferentLengths_IsFalseEvenOnACommonPrefix(int leftLength, int rightLength)
    {
        var bytes = RandomNumberGenerator.GetBytes(Math.Max(leftLength, rightLength));

        ConstantTime.AreEqual(bytes.AsSpan(0, leftLength), bytes.AsSpan(0, rightLength)).Should().BeFalse();
    }
}
