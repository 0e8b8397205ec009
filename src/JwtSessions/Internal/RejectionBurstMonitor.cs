namespace JwtSessions.Internal;

/// <summary>
/// Counts rejections in fixed windows and says once per window when the count reaches the threshold. Lock-free and
/// allocation-free; counts near a window boundary may go to either window, which is fine for an alarm.
/// </summary>
internal sealed class RejectionBurstMonitor(int threshold, long windowMilliseconds)
{
    private long _windowStart = long.MinValue;
    private int _count;

    public bool Record(long nowMilliseconds, out long windowStart, out int count)
    {
        windowStart = Volatile.Read(ref _windowStart);
        // long.MinValue marks "no window yet"; it is tested first because subtracting it would overflow.
        if (windowStart == long.MinValue || nowMilliseconds < windowStart || nowMilliseconds - windowStart >= windowMilliseconds)
        {
            if (Interlocked.CompareExchange(ref _windowStart, nowMilliseconds, windowStart) == windowStart)
            {
                Interlocked.Exchange(ref _count, 0);
            }

            windowStart = Volatile.Read(ref _windowStart);
        }

        count = Interlocked.Increment(ref _count);
        return count == threshold;
    }
}
