using System.Buffers.Text;
using System.Text.Json;
using JwtSessions.Validation;

namespace JwtSessions.Fuzz;

/// <summary>Facts about JSON text that the oracles need, found with System.Text.Json itself.</summary>
internal static class JsonText
{
    /// <summary>
    /// Whether reading <paramref name="json"/> as the validator does throws inside System.Text.Json: a syntax error, depth
    /// beyond the limit, trailing content, or a string that cannot be unescaped (a lone surrogate). Those are the only
    /// rejections allowed to allocate: the reader reports them with an exception (docs/security.md, test bar 5).
    /// </summary>
    public static bool FailsToRead(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, PayloadLimits.ReaderOptions);
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    _ = reader.GetString();
                }
            }

            return false;
        }
        catch (JsonException)
        {
            return true;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>Whether a segment of a compact token decodes as base64url and its JSON fails to read (see <see cref="FailsToRead"/>).</summary>
    public static bool SegmentFailsToRead(ReadOnlySpan<byte> token, int segment)
    {
        for (var i = 0; i < segment; i++)
        {
            var dot = token.IndexOf((byte)'.');
            if (dot < 0)
            {
                return false;
            }

            token = token[(dot + 1)..];
        }

        var end = token.IndexOf((byte)'.');
        var encoded = end < 0 ? token : token[..end];
        if (!Base64Url.IsValid(encoded))
        {
            return false;
        }

        return FailsToRead(Base64Url.DecodeFromUtf8(encoded));
    }

    /// <summary>Whether <paramref name="json"/> is one strict JSON object whose members have distinct names (after unescaping).</summary>
    public static bool IsObjectWithDistinctNames(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = PayloadLimits.MaxJsonDepth });
            return document.RootElement.ValueKind == JsonValueKind.Object && HasDistinctNames(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool HasDistinctNames(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    if (!names.Add(member.Name) || !HasDistinctNames(member.Value))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!HasDistinctNames(item))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }
}
