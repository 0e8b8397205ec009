using System.Diagnostics;

namespace JwtSessions.Redis.Tests.Support;

/// <summary>
/// Polls a condition that another process or connection makes true (pub/sub, reconnects). The bound is real time because the
/// network is; session time stays on the fake clock. Tests never assert speed, only that it happens within a generous bound.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until <paramref name="condition"/> holds; returns how long that took, or fails the test after the timeout.</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}.");
            }

            await Task.Delay(1);
        }

        return watch.Elapsed;
    }

    /// <summary>Waits until <paramref name="condition"/> returns true (exceptions count as "not yet").</summary>
    public static async Task<TimeSpan> HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return watch.Elapsed;
                }
            }
            catch (Exception) when (watch.Elapsed <= limit)
            {
                // Not yet: the server may still be coming back.
            }

            if (watch.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}.");
            }

            await Task.Delay(20);
        }
    }
}
