using System.Buffers.Text;
using System.Text.Json;

namespace JwtSessions.Tests.Support;

/// <summary>Reads a compact JWS's header and payload without validating it, so tests can check what was issued.</summary>
internal static class TokenParts
{
    public static JsonElement Header(string token) => Segment(token, 0);

    public static JsonElement Payload(string token) => Segment(token, 1);

    public static DateTimeOffset Expiry(string token) => DateTimeOffset.FromUnixTimeSeconds(Payload(token).GetProperty("exp").GetInt64());

    /// <summary>The token with the first character of its signature changed.</summary>
    public static string WithTamperedSignature(string token)
    {
        var dot = token.LastIndexOf('.') + 1;
        var replacement = token[dot] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, dot), replacement.ToString(), token.AsSpan(dot + 1));
    }

    private static JsonElement Segment(string token, int index)
    {
        using var document = JsonDocument.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]));
        return document.RootElement.Clone();
    }
}
