using System.Text.Json;
using JwtSessions.Signing;

namespace JwtSessions.Cli;

/// <summary>Loads keys from JWK and JWK set files. Every key rule of the library applies; a broken rule is a usage error.</summary>
internal static class KeyFiles
{
    /// <summary>Loads one JWK (RFC 7517 §4) from <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The key, bound to the algorithm its <c>alg</c> (or its curve) names.</returns>
    /// <exception cref="CliException">The file cannot be read, is not a JWK, or the key breaks a rule (weak, wrong curve, no <c>alg</c>, ...).</exception>
    public static SigningKey LoadKey(string path)
    {
        var json = InputFiles.ReadText(path, "key file");
        using (var document = ParseObject(path, json))
        {
            if (document.RootElement.TryGetProperty("keys", out _))
            {
                throw new CliException($"'{path}' is a JWK set; this command takes a single JWK.");
            }
        }

        try
        {
            return SigningKey.FromJwk(json);
        }
        catch (InvalidSigningKeyException ex)
        {
            throw new CliException($"'{path}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Loads the keys to verify with from <paramref name="path"/>: a JWK set (RFC 7517 §5) of one kind of key, as
    /// <see cref="KeyRing.FromJwks"/> accepts, or a single JWK. A private asymmetric key is reduced to its public half.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>A verification-only ring.</returns>
    /// <exception cref="CliException">The file cannot be read, is not a JWK or JWK set, or a key breaks a rule.</exception>
    public static KeyRing LoadVerificationKeys(string path)
    {
        var json = InputFiles.ReadText(path, "JWK set");
        bool isSet;
        using (var document = ParseObject(path, json))
        {
            isSet = document.RootElement.TryGetProperty("keys", out _);
        }

        try
        {
            if (isSet)
            {
                return KeyRing.FromJwks(json);
            }

            var key = SigningKey.FromJwk(json);
            return KeyRing.ForVerification(key.CanSign && key.KeyType != SigningKeyType.Symmetric ? key.ToPublicKey() : key);
        }
        catch (InvalidSigningKeyException ex)
        {
            throw new CliException($"'{path}': {ex.Message}", ex);
        }
    }

    // The parser's own message is not echoed: it can quote a fragment of the file, and a key file holds secrets.
    private static JsonDocument ParseObject(string path, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new CliException($"'{path}' is not valid JSON (line {(ex.LineNumber ?? 0) + 1}).", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new CliException($"'{path}' is not a JSON object; a JWK or a JWK set is one.");
        }

        return document;
    }
}
