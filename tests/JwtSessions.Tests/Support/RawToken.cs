using System.Buffers.Text;
using System.Text;
using JwtSessions.Signing;

namespace JwtSessions.Tests.Support;

/// <summary>Builds compact tokens byte by byte, so tests can craft exactly the malformed or hostile input they need.</summary>
internal static class RawToken
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "api://test";

    public static string B64(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    public static string Header(SigningKey key, string typ = "at+jwt")
        => $$"""{"alg":"{{key.Algorithm.GetName()}}","kid":"{{key.KeyId}}","typ":"{{typ}}"}""";

    /// <summary>A valid payload at <see cref="TestClock.Start"/>; <paramref name="extra"/> is appended verbatim inside the object.</summary>
    public static string Payload(long? exp = null, string extra = "")
    {
        var now = TestClock.StartSeconds;
        var tail = extra.Length > 0 ? "," + extra : string.Empty;
        return $$"""{"iss":"{{Issuer}}","sub":"user-1","aud":"{{Audience}}","exp":{{exp ?? now + 300}},"iat":{{now}},"jti":"jti-1","sid":"sid-1"{{tail}}}""";
    }

    /// <summary>Signs the exact header and payload text with <paramref name="key"/>.</summary>
    public static string Sign(string headerJson, string payloadJson, SigningKey key)
        => SignSegments(B64(headerJson), B64(payloadJson), key);

    public static string SignSegments(string header, string payload, SigningKey key)
    {
        var input = Encoding.ASCII.GetBytes(header + "." + payload);
        var signature = new byte[1024];
        var length = key.Sign(input, signature);
        return header + "." + payload + "." + B64(signature[..length]);
    }

    /// <summary>A valid access token for <paramref name="key"/> with an optional payload tweak.</summary>
    public static string Valid(SigningKey key, string? payload = null) => Sign(Header(key), payload ?? Payload(), key);
}
