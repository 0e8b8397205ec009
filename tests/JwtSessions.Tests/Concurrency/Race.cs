namespace JwtSessions.Tests.Concurrency;

/// <summary>
/// Runs two threads through the same step many times, released together by a spinning rendezvous; one waits a few
/// cycles more each time, so the gap between them sweeps across a race window. A blocking barrier releases threads too far
/// apart to hit windows of a few instructions.
/// </summary>
internal static class Race
{
    /// <summary>Returns in how many of <paramref name="iterations"/> runs <paramref name="violated"/> held after both acted.</summary>
    /// <param name="iterations">How many times both threads act.</param>
    /// <param name="reset">Run by the first thread before each iteration, while the second waits.</param>
    /// <param name="act">Each thread's step; the argument is the thread's index, 0 or 1.</param>
    /// <param name="violated">Checked after both steps of an iteration have finished.</param>
    /// <param name="jitter">The second thread's delay varies from 0 to this many spins.</param>
    /// <param name="fine">Delay in memory barriers (a few cycles each) rather than spin-waits.</param>
    public static int Run(int iterations, Action reset, Action<int> act, Func<bool> violated, int jitter = 64, bool fine = false)
    {
        var failures = 0;
        Exception? error = null;
        var arrived = 0;
        var released = 0;
        var done = 0;
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            try
            {
                for (var i = 1; i <= iterations; i++)
                {
                    if (t == 0)
                    {
                        reset();
                        Volatile.Write(ref released, i);
                    }
                    else
                    {
                        SpinUntil(() => Volatile.Read(ref released) == i || Volatile.Read(ref released) == int.MinValue);
                        if (Volatile.Read(ref released) == int.MinValue)
                        {
                            return;
                        }
                    }

                    Interlocked.Increment(ref arrived);
                    var round = i;
                    SpinUntil(() => Volatile.Read(ref arrived) >= 2 * round);
                    if (t == 1)
                    {
                        for (var s = i % jitter; s > 0; s--)
                        {
                            if (fine)
                            {
                                Interlocked.MemoryBarrier();
                            }
                            else
                            {
                                Thread.SpinWait(1);
                            }
                        }
                    }

                    act(t);
                    Interlocked.Increment(ref done);
                    if (t == 0)
                    {
                        SpinUntil(() => Volatile.Read(ref done) >= 2 * round);
                        if (violated())
                        {
                            failures++;
                        }
                    }
                }
            }
            catch (Exception e)
            {
                error = e;
                Volatile.Write(ref released, int.MinValue);
                Volatile.Write(ref arrived, int.MaxValue);
                Volatile.Write(ref done, int.MaxValue);
            }
        })).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        return error is null ? failures : throw new InvalidOperationException("A racing thread threw.", error);
    }

    private static void SpinUntil(Func<bool> condition)
    {
        var spinner = default(SpinWait);
        while (!condition())
        {
            // Yields after a few rounds, so the rendezvous also works when both threads share one core.
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }
}
