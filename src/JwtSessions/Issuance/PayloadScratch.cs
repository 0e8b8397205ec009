using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace JwtSessions.Issuance;

/// <summary>A payload buffer and a JSON writer over it, reused by one thread across <see cref="TokenIssuer"/> calls.</summary>
internal sealed class PayloadScratch : IDisposable
{
    public PayloadScratch()
    {
        Buffer = new ArrayBufferWriter<byte>(512);
        // Only what JSON itself requires is escaped (quotes, backslashes, control characters): a JWT payload is base64url
        // inside the token and never lands raw in HTML, so "+", "<" or "é" stay as they are. Tokens stay shorter, and their
        // payloads stay in the plain subset the validator's flat reader takes (docs/validation.md §16).
        Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
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
