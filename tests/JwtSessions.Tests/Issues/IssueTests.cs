using System.Diagnostics;

namespace JwtSessions.Tests.Issues;

/// <summary>Regression tests: one partial per fixed bug, each failing without its fix.</summary>
public sealed partial class IssueTests
{
    /// <summary>
    /// The cheapest of several timed batches of each of two operations, in nanoseconds per operation, the batches of the two
    /// interleaved so both see the same machine load: a relative cost for comparing two setups. Tests compare the two with
    /// wide margins, never absolute speeds.
    /// </summary>
    private static (double First, double Second) CheapestBatchNanoseconds(int batches, int operationsPerBatch, Action<int> first, Action<int> second)
    {
        var best = (First: double.MaxValue, Second: double.MaxValue);
        for (var batch = 0; batch < batches; batch++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            best.First = Math.Min(best.First, Time(batch, first));
            best.Second = Math.Min(best.Second, Time(batch, second));
        }

        return best;

        double Time(int batch, Action<int> operation)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < operationsPerBatch; i++)
            {
                operation((batch * operationsPerBatch) + i);
            }

            return Stopwatch.GetElapsedTime(started).TotalNanoseconds / operationsPerBatch;
        }
    }
}
