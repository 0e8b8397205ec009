using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace JwtSessions.Cli;

/// <summary>Pretty-prints JSON taken from tokens for a terminal.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions s_indented = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Re-writes <paramref name="utf8Json"/> indented, with every character outside printable ASCII escaped as <c>\uXXXX</c>.
    /// </summary>
    /// <remarks>
    /// Token content is attacker-controlled and ends up on a terminal. The JSON writer escapes control characters, but the
    /// relaxed encoder lets bidirectional overrides (U+202E) and zero-width characters through, and these can make one
    /// value look like another. Escaping all non-ASCII keeps the output valid JSON and unambiguous, while the relaxed
    /// encoder keeps ASCII such as the <c>+</c> of <c>at+jwt</c> readable (the default encoder writes <c>+</c>).
    /// </remarks>
    /// <param name="utf8Json">One JSON value, UTF-8.</param>
    /// <returns>The indented JSON, ASCII only.</returns>
    /// <exception cref="JsonException">The input is not valid JSON.</exception>
    public static string Pretty(ReadOnlySpan<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json.ToArray());
        return Pretty(document.RootElement);
    }

    /// <summary>Re-writes a parsed JSON value as <see cref="Pretty(ReadOnlySpan{byte})"/> does.</summary>
    /// <param name="element">The value.</param>
    /// <returns>The indented JSON, ASCII only.</returns>
    public static string Pretty(JsonElement element)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_indented))
        {
            element.WriteTo(writer);
        }

        var text = Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
        return EscapeNonAscii(text);
    }

    /// <summary>
    /// The JSON text as sent, with every character outside printable ASCII escaped as <see cref="Pretty(JsonElement)"/> does,
    /// for a value the writer cannot re-encode (a string escape with an unpaired surrogate is valid JSON text but no string).
    /// </summary>
    /// <param name="utf8Json">One JSON value, UTF-8, already parsed once (so valid UTF-8, with control characters escaped).</param>
    /// <returns>The JSON as sent, ASCII only.</returns>
    public static string AsSent(ReadOnlySpan<byte> utf8Json) => EscapeNonAscii(Encoding.UTF8.GetString(utf8Json));

    // Outside strings the writer emits only ASCII, so any other character sits inside a string, where \uXXXX is valid JSON.
    // A surrogate pair becomes two escapes, as RFC 8259 §7 specifies.
    private static string EscapeNonAscii(string json)
    {
        var needsEscape = false;
        foreach (var c in json)
        {
            if (c > '\u007E')
            {
                needsEscape = true;
                break;
            }
        }

        if (!needsEscape)
        {
            return json;
        }

        var builder = new StringBuilder(json.Length + 32);
        foreach (var c in json)
        {
            if (c > '\u007E')
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
