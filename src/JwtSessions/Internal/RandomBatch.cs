using System.Security.Cryptography;

namespace JwtSessions.Internal;

/// <summary>
/// Bytes from <see cref="RandomNumberGenerator"/>, fetched a batch at a time per thread: on Linux each call into the platform
/// CSPRNG costs microseconds whatever its length, several times the HMAC of a whole token, while the bytes themselves are cheap.
/// </summary>
/// <remarks>
/// Only for values that are random but not secret, such as a <c>jti</c>, which is public inside the token: unused bytes wait
/// in memory until used. Each byte is handed out once and wiped as it is.
/// </remarks>
internal static class RandomBatch
{
    // A platform call costs about 2.3 µs for 16 bytes, 2.5 µs for 4 KiB and 4.2 µs for 16 KiB: 16 KiB brings a 16-byte jti
    // to about 4 ns of platform time (10 ns with 4 KiB, 85 ns with 512 bytes), for 16 KiB per minting thread.
    private const int BatchSize = 16384;

#pragma warning disable IDE1006 // [ThreadStatic] fields are t_camelCase (AGENTS.md)
    [ThreadStatic]
    private static byte[]? t_batch;
#pragma warning restore IDE1006

#pragma warning disable IDE1006 // [ThreadStatic] fields are t_camelCase (AGENTS.md)
    [ThreadStatic]
    private static int t_used;
#pragma warning restore IDE1006

    /// <summary>Fills <paramref name="destination"/> (at most 64 bytes) with fresh random bytes.</summary>
    public static void Fill(Span<byte> destination)
    {
        if (destination.Length > 64)
        {
            RandomNumberGenerator.Fill(destination);
            return;
        }

        var batch = t_batch ??= new byte[BatchSize];
        if (t_used == 0 || t_used + destination.Length > BatchSize)
        {
            RandomNumberGenerator.Fill(batch);
            t_used = 0;
        }

        var slice = batch.AsSpan(t_used, destination.Length);
        slice.CopyTo(destination);
        slice.Clear();
        t_used += destination.Length;
        if (t_used == BatchSize)
        {
            t_used = 0;
        }
    }
}
