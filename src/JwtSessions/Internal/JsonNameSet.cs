using System.Text.Json;

namespace JwtSessions.Internal;

/// <summary>
/// Tracks member names per object while a <see cref="Utf8JsonReader"/> walks a document, so a duplicate name is caught
/// at any nesting level and after unescaping (<c>"s\u0075b"</c> equals <c>"sub"</c>). Names are compared as unescaped
/// UTF-8; the scratch buffer needs at most the document's length. No allocation.
/// </summary>
internal ref struct JsonNameSet
{
    private readonly Span<byte> _scratch;
    private readonly Span<int> _entries;
    private readonly Span<int> _frames;
    private int _scratchUsed;
    private int _entryCount;
    private int _frameCount;

    public JsonNameSet(Span<byte> scratch, Span<int> entries, Span<int> frames)
    {
        _scratch = scratch;
        _entries = entries;
        _frames = frames;
    }

    public bool PushObject()
    {
        if (2 * _frameCount >= _frames.Length)
        {
            return false;
        }

        // A frame remembers where its names start in both buffers.
        _frames[2 * _frameCount] = _entryCount;
        _frames[(2 * _frameCount) + 1] = _scratchUsed;
        _frameCount++;
        return true;
    }

    public void PopObject()
    {
        _frameCount--;
        _entryCount = _frames[2 * _frameCount];
        _scratchUsed = _frames[(2 * _frameCount) + 1];
    }

    /// <summary>Reads the first token, which must open an object, and starts tracking its names.</summary>
    public bool BeginObject(scoped ref Utf8JsonReader reader)
        => reader.Read() && reader.TokenType == JsonTokenType.StartObject && PushObject();

    /// <summary>
    /// Reads up to the next member name at the top level of the document, doing on the way the bookkeeping the JOSE header
    /// and the claims both need: object frames, duplicate names at every depth (after unescaping), and unescaping every
    /// escaped string so a lone surrogate throws (I-JSON, RFC 7493 §2.1). The caller reads the member's value, or leaves it
    /// to the next call, which then walks through it.
    /// </summary>
    /// <returns><see cref="JsonMember.Found"/> on a top-level name (<paramref name="name"/> unescaped), <see cref="JsonMember.End"/>
    /// at the end of the document, <see cref="JsonMember.Invalid"/> on a duplicate name or a bound hit.</returns>
    public JsonMember NextMember(scoped ref Utf8JsonReader reader, Span<byte> unescaped, out ReadOnlySpan<byte> name)
        => NextMember(ref reader, unescaped, depth: 1, out name);

    /// <summary>
    /// As <see cref="NextMember(ref Utf8JsonReader, Span{byte}, out ReadOnlySpan{byte})"/>, for the members of a nested object
    /// the caller has just entered and pushed (<see cref="PushObject"/>), whose names are at <paramref name="depth"/>:
    /// <see cref="JsonMember.End"/> at that object's closing brace (a <c>cnf</c> claim, a proof's <c>jwk</c> header).
    /// </summary>
    public JsonMember NextMember(scoped ref Utf8JsonReader reader, Span<byte> unescaped, int depth, out ReadOnlySpan<byte> name)
    {
        name = default;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    if (!PushObject())
                    {
                        return JsonMember.Invalid;
                    }

                    break;
                case JsonTokenType.EndObject:
                    PopObject();

                    // The top level ends with the document, read to its end by the loop (trailing bytes throw there).
                    if (depth > 1 && reader.CurrentDepth == depth - 1)
                    {
                        return JsonMember.End;
                    }

                    break;
                case JsonTokenType.String when reader.ValueIsEscaped:
                    reader.CopyString(unescaped);
                    break;
                case JsonTokenType.PropertyName:
                    if (!TryAdd(ref reader, out name))
                    {
                        return JsonMember.Invalid;
                    }

                    if (reader.CurrentDepth == depth)
                    {
                        return JsonMember.Found;
                    }

                    break;
            }
        }

        return JsonMember.End;
    }

    /// <summary>
    /// Adds the current property name and gives it unescaped, so callers match it without a second unescape; false when it
    /// repeats a name of the same object or a bound is hit.
    /// </summary>
    public bool TryAdd(scoped ref Utf8JsonReader reader, out ReadOnlySpan<byte> name)
    {
        name = default;
        if (_entryCount * 2 >= _entries.Length || _scratch.Length > ushort.MaxValue + 1)
        {
            return false;
        }

        var destination = _scratch[_scratchUsed..];
        int length;
        if (reader.ValueIsEscaped)
        {
            length = reader.CopyString(destination);
        }
        else
        {
            var raw = reader.ValueSpan;
            if (raw.Length > destination.Length)
            {
                return false;
            }

            raw.CopyTo(destination);
            length = raw.Length;
        }

        name = destination[..length];

        // Each entry keeps the name's length with its first and last byte packed above it, so the scan compares one int
        // per earlier name and only reads bytes on a likely duplicate. Names fit in 16 bits: the scratch is one document long.
        var fingerprint = length == 0 ? 0 : length | (name[0] << 16) | (name[^1] << 24);
        var frameStart = _frameCount == 0 ? 0 : _frames[2 * (_frameCount - 1)];
        for (var i = frameStart; i < _entryCount; i++)
        {
            if (_entries[(2 * i) + 1] == fingerprint && _scratch.Slice(_entries[2 * i], length).SequenceEqual(name))
            {
                return false;
            }
        }

        _entries[2 * _entryCount] = _scratchUsed;
        _entries[(2 * _entryCount) + 1] = fingerprint;
        _entryCount++;
        _scratchUsed += length;
        return true;
    }
}
