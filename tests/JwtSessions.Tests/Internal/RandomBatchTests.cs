using JwtSessions.Internal;

namespace JwtSessions.Tests.Internal;

/// <summary>Batched CSPRNG bytes are handed out once each, across batch refills, and large requests bypass the batch.</summary>
public sealed class RandomBatchTests
{
    [Test]
    public void Fill_ManyTokenIds_AcrossSeveralBatches_NeverRepeats()
    {
        // 5,000 × 16 bytes spans about five 16 KiB batches; a repeat would mean a byte range was handed out twice.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Span<byte> id = stackalloc byte[16];
        for (var i = 0; i < 5_000; i++)
        {
            RandomBatch.Fill(id);
            seen.Add(Convert.ToHexString(id)).Should().BeTrue("draw {0} repeated an earlier one", i);
        }
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(1000)]
    public void Fill_AnyLength_FillsEveryByte(int length)
    {
        // All zero after a fill has probability 2^-(8 * length); run a few times so one unlucky byte cannot matter.
        var nonZero = new bool[length];
        for (var round = 0; round < 8; round++)
        {
            var bytes = new byte[length];
            RandomBatch.Fill(bytes);
            for (var i = 0; i < length; i++)
            {
                nonZero[i] |= bytes[i] != 0;
            }
        }

        nonZero.Should().AllSatisfy(static b => b.Should().BeTrue());
    }
}
