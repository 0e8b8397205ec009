namespace JwtSessions.Internal;

/// <summary>
/// Counts rejections in fixed windows and says once per window when the count reaches the threshold. Lock-free; each
/// window is one small object with its own counter (one allocation per window, none per rejection), so a count can only
/// ever reach the window it was read with, and a window's threshold is crossed by exactly one call. A call that read the
/// window just before another call replaced it counts towards the old one, which is fine for an alarm.
/// </summary>
internal sealed class RejectionBurstMonitor(int threshold, long windowMilliseconds)
{
    private Window? _window;

    public bool Record(long nowMilliseconds, out long windowStart, out int count)
    {
        var window = Volatile.Read(ref _window);

        // A new window when none exists, when this one has run its length, or when the clock went back by a window or more.
        if (window is null || nowMilliseconds - window.Start >= windowMilliseconds || window.Start - nowMilliseconds >= windowMilliseconds)
        {
            var next = new Window(nowMilliseconds);
            window = Interlocked.CompareExchange(ref _window, next, window) == window ? next : Volatile.Read(ref _window)!;
        }

        windowStart = window.Start;
        count = Interlocked.Increment(ref window.Count);
        return count == threshold;
    }

    private sealed class Window(long start)
    {
        public readonly long Start = start;
        public int Count;
    }
}
