using System.Buffers;
using System.Text.Json;

namespace JwtSessions.Revocation;

/// <summary>
/// One answer of an issuer's revocation endpoint (<see cref="RevocationLog.GetPage"/>): the sessions revoked after a cursor,
/// the cursor to ask from next, and the entity tag of the log's head for <c>If-None-Match</c>.
/// </summary>
/// <remarks>
/// The JSON (<see cref="ToJson"/>) is <c>{"cursor":"…","more":false,"revoked":[["sid",untilUnixSeconds],…]}</c>: each revoked
/// session id with the time after which none of its access tokens can be valid, so a resource server keeps it that long.
/// </remarks>
/// <threadsafety>Immutable.</threadsafety>
public sealed class RevocationPage
{
    private const int MaxDepth = 4;

    internal RevocationPage(string cursor, string entityTag, bool notModified, bool hasMore, IReadOnlyList<KeyValuePair<string, DateTimeOffset>> revoked)
    {
        Cursor = cursor;
        EntityTag = entityTag;
        NotModified = notModified;
        HasMore = hasMore;
        Revoked = revoked;
    }

    /// <summary>Gets the cursor to ask from next time (the <c>cursor</c> query parameter of the endpoint).</summary>
    public string Cursor { get; }

    /// <summary>Gets the entity tag (quoted, for the <c>ETag</c> header) of the log's head when the page was made.</summary>
    public string EntityTag { get; }

    /// <summary>Gets a value indicating whether the caller's <c>If-None-Match</c> names the log's head: answer 304, with no body.</summary>
    public bool NotModified { get; }

    /// <summary>Gets a value indicating whether more revocations follow the page: ask again from <see cref="Cursor"/> at once.</summary>
    public bool HasMore { get; }

    /// <summary>Gets the revoked session ids, each with the time until which it must be kept.</summary>
    public IReadOnlyList<KeyValuePair<string, DateTimeOffset>> Revoked { get; }

    /// <summary>Writes the page as the endpoint's JSON body (UTF-8).</summary>
    /// <returns>The body.</returns>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (Revoked.Count * 48));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("cursor"u8, Cursor);
            writer.WriteBoolean("more"u8, HasMore);
            writer.WriteStartArray("revoked"u8);
            foreach (var (sessionId, until) in Revoked)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(sessionId);
                writer.WriteNumberValue(until.ToUnixTimeSeconds());
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a page the endpoint wrote; anything else throws <see cref="JsonException"/>.</summary>
    internal static RevocationPage Parse(ReadOnlySpan<byte> json, string entityTag)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        string? cursor = null;
        bool? more = null;
        List<KeyValuePair<string, DateTimeOffset>>? revoked = null;
        Read(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cursor"u8) && cursor is null)
            {
                Read(ref reader, JsonTokenType.String);
                cursor = reader.GetString();
            }
            else if (reader.ValueTextEquals("more"u8) && more is null)
            {
                more = Next(ref reader) switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw new JsonException("\"more\" is not a boolean."),
                };
            }
            else if (reader.ValueTextEquals("revoked"u8) && revoked is null)
            {
                revoked = [];
                Read(ref reader, JsonTokenType.StartArray);
                while (Next(ref reader) == JsonTokenType.StartArray)
                {
                    Read(ref reader, JsonTokenType.String);
                    var sessionId = reader.GetString();
                    Read(ref reader, JsonTokenType.Number);
                    var until = reader.GetInt64();
                    Read(ref reader, JsonTokenType.EndArray);
                    if (string.IsNullOrEmpty(sessionId) || until is < 0 or > 253_402_300_799)
                    {
                        throw new JsonException("A revoked entry is not a session id and a time.");
                    }

                    revoked.Add(new(sessionId, DateTimeOffset.FromUnixTimeSeconds(until)));
                }

                if (reader.TokenType != JsonTokenType.EndArray)
                {
                    throw new JsonException("\"revoked\" is not an array of entries.");
                }
            }
            else
            {
                throw new JsonException("The page has an unknown or repeated member.");
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || string.IsNullOrEmpty(cursor) || more is null || revoked is null)
        {
            throw new JsonException("The page lacks a member, or has trailing data.");
        }

        return new RevocationPage(cursor, entityTag, notModified: false, more.Value, revoked);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
        => reader.Read() ? reader.TokenType : throw new JsonException("The page ends early.");

    private static void Read(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (Next(ref reader) != expected)
        {
            throw new JsonException($"Expected {expected}.");
        }
    }
}
