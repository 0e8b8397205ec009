using System.Globalization;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// How instants are written in Redis: <see cref="DateTimeOffset.UtcTicks"/> as exactly 19 decimal digits. Lua numbers are
/// doubles (53 bits), too narrow for ticks, so the scripts split the fixed-width text into milliseconds (digits 1–15) and the
/// sub-millisecond remainder (digits 16–19) and compare both: the deadlines compare at full tick precision, exactly as
/// <c>SessionRules</c> does in memory.
/// </summary>
internal static class Instant
{
    public const int Width = 19;

    private const long TicksPerMillisecond = TimeSpan.TicksPerMillisecond;

    public static string Encode(DateTimeOffset value) => value.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    public static string Encode(long utcTicks) => utcTicks.ToString("D19", CultureInfo.InvariantCulture);

    public static DateTimeOffset Decode(string text)
        => new(long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero);

    /// <summary><paramref name="now"/> + <paramref name="duration"/>, saturated to the representable range instead of throwing.</summary>
    public static long AddSaturated(DateTimeOffset now, TimeSpan duration)
    {
        var ticks = now.UtcTicks;
        var max = DateTimeOffset.MaxValue.UtcTicks;
        if (duration.Ticks >= 0)
        {
            return ticks > max - duration.Ticks ? max : ticks + duration.Ticks;
        }

        return ticks < -duration.Ticks ? 0 : ticks + duration.Ticks;
    }

    /// <summary>Milliseconds from <paramref name="now"/> to <paramref name="deadline"/>, rounded up, as a Redis TTL.</summary>
    public static long TtlMilliseconds(DateTimeOffset deadline, DateTimeOffset now, long floor)
    {
        var ticks = deadline.UtcTicks - now.UtcTicks;
        var ms = ticks <= 0 ? 0 : (ticks / TicksPerMillisecond) + (ticks % TicksPerMillisecond == 0 ? 0 : 1);
        return Math.Max(ms, floor);
    }
}
