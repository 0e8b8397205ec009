using System.Buffers;
using System.Text.Json;

namespace JwtSessions.Issuance;

/// <summary>A payload buffer and a JSON writer over it, reused by one thread across <see cref="TokenIssuer"/> calls.</summary>
internal sealed class PayloadScratch : IDisposable
{
    public PayloadScratch()
    {
        Buffer = new ArrayBufferWriter<byte>(512);
        Writer = new Utf8JsonWriter(Buffer);
    }

    public ArrayBufferWriter<byte> Buffer { get; }

    public Utf8JsonWriter Writer { get; }

    private const int MaxKeptCapacity = 16 * 1024;

    /// <summary>
    /// Clears the bytes written (claims are not secret, but nothing of one token outlives it) and rearms the writer; false when
    /// an unusually large token grew the buffer, which is then left to the GC rather than kept per thread.
    /// </summary>
    public bool Reset()
    {
        Buffer.Clear();
        if (Buffer.Capacity > MaxKeptCapacity)
        {
            Writer.Dispose();
            return false;
        }

        Writer.Reset(Buffer);
        return true;
    }

    public void Dispose() => Writer.Dispose();
}
