using System.Text.Json;

namespace JwtSessions.Signing;

/// <summary>
/// Refuses JWK and JWK-set text that Microsoft.IdentityModel's parser would read with another meaning, before it sees it.
/// </summary>
/// <remarks>
/// That parser matches member names ignoring case (so a <c>"D"</c> member is read as the private <c>d</c>, turning a public
/// key into a signing key), merges repeated members (two <c>"keys"</c> arrays become one set), and drops entries of
/// <c>"keys"</c> that are not objects. RFC 7517 member names are case-sensitive (§4) and a set's <c>"keys"</c> is an array of
/// JWKs (§5.1), so such text is refused whole. The parser itself stays: this only rules out the input it reads differently.
/// </remarks>
internal static class JwkJson
{
    // The JWK members of RFC 7517 §4, RFC 7518 §6 and RFC 8037 §2.
    private static readonly string[] s_registered =
        ["kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256", "crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "oth", "k"];

    /// <summary>Checks the text of one JWK.</summary>
    /// <exception cref="InvalidSigningKeyException">The text is not a JSON object, or has a member the parser would misread.</exception>
    public static void CheckKey(string json)
    {
        using var document = Parse(json, "The JWK");
        CheckKeyObject(document.RootElement, "The JWK");
    }

    /// <summary>Checks the text of a JWK set.</summary>
    /// <exception cref="InvalidSigningKeyException">
    /// The text is not a JSON object with exactly one <c>"keys"</c> array of objects, or a key has a member the parser would misread.
    /// </exception>
    public static void CheckSet(string json)
    {
        using var document = Parse(json, "The JWK set");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidSigningKeyException("The JWK set is not a JSON object.");
        }

        JsonElement? keys = null;
        foreach (var member in root.EnumerateObject())
        {
            if (member.NameEquals("keys"u8))
            {
                keys = keys is null ? member.Value : throw new InvalidSigningKeyException("The JWK set has two \"keys\" members.");
            }
            else if (string.Equals(member.Name, "keys", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidSigningKeyException($"The JWK set has a member \"{member.Name}\", which the JWK parser would read as \"keys\".");
            }
        }

        if (keys is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new InvalidSigningKeyException("The JWK set has no \"keys\" array.");
        }

        foreach (var key in array.EnumerateArray())
        {
            CheckKeyObject(key, "A key of the JWK set");
        }
    }

    private static JsonDocument Parse(string json, string what)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidSigningKeyException($"{what} is not valid JSON.", ex);
        }
    }

    private static void CheckKeyObject(JsonElement key, string what)
    {
        if (key.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidSigningKeyException($"{what} is not a JSON object.");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var member in key.EnumerateObject())
        {
            if (!seen.Add(member.Name))
            {
                throw new InvalidSigningKeyException(
                    $"{what} has the member \"{member.Name}\" twice (compared ignoring case, as the JWK parser reads names).");
            }

            foreach (var name in s_registered)
            {
                if (string.Equals(member.Name, name, StringComparison.OrdinalIgnoreCase) && !member.NameEquals(name))
                {
                    throw new InvalidSigningKeyException(
                        $"{what} has a member \"{member.Name}\", which the JWK parser would read as \"{name}\"; JWK member names are case-sensitive (RFC 7517 §4).");
                }
            }
        }
    }
}
