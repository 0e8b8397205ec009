using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using JwtSessions.Internal;

namespace JwtSessions.Issuance;

/// <summary>
/// A payload buffer, reused by one thread across <see cref="TokenIssuer"/> calls, and the writer of the payload's JSON into it.
/// </summary>
/// <remarks>
/// The standard claims are written by hand: their names are constants, their numbers integers, and their strings almost always
/// printable ASCII without a quote or backslash, which JSON takes as they are. That is a third of what <see cref="Utf8JsonWriter"/>
/// costs for the same bytes (docs/benchmarks.md). Every other string and every custom claim value goes through
/// <see cref="Writer"/>, over the same buffer, so escaping is always System.Text.Json's own; a test holds the output to be
/// byte-identical to writing the whole payload with it.
/// </remarks>
internal sealed class PayloadScratch : IBufferWriter<byte>, IDisposable
{
    // Printable ASCII except the two characters JSON escapes in a string.
    private static readonly SearchValues<char> s_plain = SearchValues.Create(
        " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    private const int MaxKeptCapacity = 16 * 1024;

    private byte[] _json = new byte[512];
    private int _length;
    private byte[] _token = new byte[1024];
    private int _tokenLength;

    public PayloadScratch()
    {
        // Only what JSON itself requires is escaped (quotes, backslashes, control characters): a JWT payload is base64url
        // inside the token and never lands raw in HTML, so "+", "<" or "é" stay as they are. Tokens stay shorter, and their
        // payloads stay in the plain subset the validator's flat reader takes (docs/validation.md §16).
        Writer = new Utf8JsonWriter(this, Options);
    }

    /// <summary>The writer options every payload and header string is encoded with.</summary>
    public static JsonWriterOptions Options { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Gets the JSON written so far.</summary>
    public ReadOnlySpan<byte> Json => _json.AsSpan(0, _length);

    /// <summary>The writer for what is not written by hand; each use writes one root value (<see cref="WriteWithWriter"/>).</summary>
    public Utf8JsonWriter Writer { get; }

    /// <summary>Appends bytes that are already JSON: punctuation and member names.</summary>
    public void WriteRaw(ReadOnlySpan<byte> json)
    {
        json.CopyTo(GetSpan(json.Length));
        _length += json.Length;
    }

    /// <summary>Appends a JSON string: copied when plain, otherwise escaped by <see cref="Writer"/>.</summary>
    /// <exception cref="ArgumentException">The string has an unpaired surrogate (<see cref="ThrowIfNotUnicode"/>).</exception>
    public void WriteString(ReadOnlySpan<char> value)
    {
        if (value.ContainsAnyExcept(s_plain))
        {
            ThrowIfNotUnicode(value);
            WriteWithWriter(value, static (writer, v) => writer.WriteStringValue(v));
            return;
        }

        var span = GetSpan(value.Length + 2);
        span[0] = (byte)'"';
        Ascii.FromUtf16(value, span[1..], out _);
        span[value.Length + 1] = (byte)'"';
        _length += value.Length + 2;
    }

    /// <summary>Appends a string of several parts joined by one space, as one JSON string (the <c>scope</c> claim).</summary>
    public void WriteJoinedString(IList<string> parts)
    {
        var length = parts.Count - 1;
        var plain = true;
        for (var i = 0; i < parts.Count; i++)
        {
            length += parts[i].Length;
            plain &= !parts[i].AsSpan().ContainsAnyExcept(s_plain);
        }

        if (!plain)
        {
            var joined = string.Join(' ', parts);
            ThrowIfNotUnicode(joined);
            WriteWithWriter(joined, static (writer, text) => writer.WriteStringValue(text));
            return;
        }

        var span = GetSpan(length + 2);
        span[0] = (byte)'"';
        var at = 1;
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                span[at++] = (byte)' ';
            }

            Ascii.FromUtf16(parts[i], span[at..], out var written);
            at += written;
        }

        span[at] = (byte)'"';
        _length += at + 1;
    }

    /// <summary>
    /// Refuses a string with an unpaired surrogate. The JSON writer would put U+FFFD in its place, so "user-\uD800",
    /// "user-\uDFFF" and "user-\uFFFD" would all be signed as the same subject: one identity's tokens would be another's.
    /// </summary>
    /// <exception cref="ArgumentException">The string is not valid UTF-16.</exception>
    public static void ThrowIfNotUnicode(ReadOnlySpan<char> value)
    {
        if (!Utf16Text.IsWellFormed(value))
        {
            throw new ArgumentException("A claim name or value has an unpaired surrogate: it is not Unicode text, and would be signed as U+FFFD.");
        }
    }

    /// <summary>Appends an integer as <see cref="Utf8JsonWriter.WriteNumberValue(long)"/> does: shortest invariant form.</summary>
    public void WriteNumber(long value)
    {
        Utf8Formatter.TryFormat(value, GetSpan(20), out var written);
        _length += written;
    }

    /// <summary>Appends one root JSON value written by <paramref name="write"/> through <see cref="Writer"/>.</summary>
    public void WriteWithWriter<T>(T state, Action<Utf8JsonWriter, T> write)
        where T : allows ref struct
    {
        Writer.Reset(this);
        write(Writer, state);
        Writer.Flush();
    }

    /// <summary>Room for a token of <paramref name="length"/> bytes: signing input, dot and encoded signature.</summary>
    public Span<byte> TokenBuffer(int length)
    {
        if (_token.Length < length)
        {
            _token.AsSpan(0, _tokenLength).Clear();
            _token = new byte[Math.Max(length, 2 * _token.Length)];
            _tokenLength = 0;
        }

        _tokenLength = Math.Max(_tokenLength, length);
        return _token.AsSpan(0, length);
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _json.Length - _length);
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _json.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Grow(sizeHint);
        return _json.AsSpan(_length);
    }

    private void Grow(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (needed > _json.Length)
        {
            var grown = new byte[Math.Max(needed, 2 * _json.Length)];
            _json.AsSpan(0, _length).CopyTo(grown);
            _json.AsSpan(0, _length).Clear();
            _json = grown;
        }
    }

    /// <summary>
    /// Clears the payload and token written (claims are not secret, but nothing of one token outlives it) and rearms the
    /// writer; false when an unusually large token grew a buffer, which is then left to the GC rather than kept per thread.
    /// </summary>
    public bool Reset()
    {
        Wipe();
        if (_json.Length > MaxKeptCapacity || _token.Length > 2 * MaxKeptCapacity)
        {
            Writer.Dispose();
            return false;
        }

        Writer.Reset(this);
        return true;
    }

    /// <summary>Wipes what a token left behind, also after a failed mint, and releases the writer.</summary>
    public void Dispose()
    {
        Wipe();
        Writer.Dispose();
    }

    private void Wipe()
    {
        _json.AsSpan(0, _length).Clear();
        _token.AsSpan(0, _tokenLength).Clear();
        _length = _tokenLength = 0;
    }
}
