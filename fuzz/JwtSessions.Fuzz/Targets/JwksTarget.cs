using System.Text;
using System.Text.Json;
using JwtSessions.Signing;

namespace JwtSessions.Fuzz.Targets;

/// <summary>
/// The JWK-set importer: the input is a JWKS's text. Only <see cref="InvalidSigningKeyException"/> may escape; a set that
/// imports holds no encryption key, one kind of key only, every key passes the JWK oracles, and the set survives export.
/// </summary>
internal sealed class JwksTarget : IFuzzTarget
{
    public void Run(ReadOnlySpan<byte> input)
    {
        var json = Encoding.UTF8.GetString(input);
        KeyRing ring;
        try
        {
            ring = KeyRing.FromJwks(json);
        }
        catch (InvalidSigningKeyException)
        {
            return;
        }

        var keys = ring.Keys;
        OracleFailureException.Check(keys.Count > 0, "An imported set has no key.");
        OracleFailureException.Check(
            keys.Select(static k => k.KeyType == SigningKeyType.Symmetric ? 0 : k.CanSign ? 1 : 2).Distinct().Count() == 1,
            "An imported set mixes symmetric, private and public keys.");

        using var document = JsonDocument.Parse(json);
        var entries = document.RootElement.GetProperty("keys").EnumerateArray()
            .Where(static e => !(e.TryGetProperty("use", out var use) && use.ValueKind == JsonValueKind.String && use.GetString() == "enc"))
            .ToArray();
        OracleFailureException.Check(entries.Length == keys.Count, $"The set has {entries.Length} signature keys but the ring {keys.Count}.");
        for (var i = 0; i < entries.Length; i++)
        {
            JwkOracles.CheckImported(keys[i], entries[i]);
        }

        if (!keys.Any(static k => k.CanSign))
        {
            var again = KeyRing.FromJwks(ring.ToJwks());
            OracleFailureException.Check(
                again.Keys.Select(static k => (k.KeyId, k.Algorithm)).SequenceEqual(keys.Select(static k => (k.KeyId, k.Algorithm))),
                "Export and re-import changed the set.");
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        using var es = SigningKey.Generate(JwtAlgorithm.ES256, "es");
        using var rs = SigningKey.Generate(JwtAlgorithm.RS256, "rs");
        using var ed = SigningKey.Generate(JwtAlgorithm.EdDSA, "ed");
        yield return Encoding.UTF8.GetBytes(KeyRing.ForVerification(es.ToPublicKey(), rs.ToPublicKey(), ed.ToPublicKey()).ToJwks());
        yield return Encoding.UTF8.GetBytes($$"""{"keys":[{{es.ToJwk()}},{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB"}]}""");
        yield return Encoding.UTF8.GetBytes($$"""{"keys":[{{FuzzFixture.Key.ToJwk(includePrivateKey: true)}}]}""");
    }
}
