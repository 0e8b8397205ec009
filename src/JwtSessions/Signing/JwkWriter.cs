using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>
/// Writes JWKs and JWK sets with an explicit member list, so a public export can never carry a member it should not.
/// </summary>
internal static class JwkWriter
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true };

    public static string Write(JsonWebKey jwk)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_indented))
        {
            WriteKey(writer, jwk);
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static string WriteSet(IEnumerable<JsonWebKey> keys)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, s_indented))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            foreach (var key in keys)
            {
                WriteKey(writer, key);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteKey(Utf8JsonWriter writer, JsonWebKey jwk)
    {
        writer.WriteStartObject();
        Member(writer, "kty", jwk.Kty);
        Member(writer, "kid", jwk.Kid);
        Member(writer, "use", jwk.Use);
        Member(writer, "alg", jwk.Alg);
        Member(writer, "crv", jwk.Crv);
        Member(writer, "n", jwk.N);
        Member(writer, "e", jwk.E);
        Member(writer, "x", jwk.X);
        Member(writer, "y", jwk.Y);
        Member(writer, "d", jwk.D);
        Member(writer, "p", jwk.P);
        Member(writer, "q", jwk.Q);
        Member(writer, "dp", jwk.DP);
        Member(writer, "dq", jwk.DQ);
        Member(writer, "qi", jwk.QI);
        Member(writer, "k", jwk.K);
        writer.WriteEndObject();
    }

    private static void Member(Utf8JsonWriter writer, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            writer.WriteString(name, value);
        }
    }
}
