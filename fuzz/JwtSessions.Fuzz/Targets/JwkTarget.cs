using System.Text;
using System.Text.Json;
using JwtSessions.Signing;

namespace JwtSessions.Fuzz.Targets;

/// <summary>
/// The JWK importer: the input is a JWK's text. Only <see cref="InvalidSigningKeyException"/> may escape; a key that imports
/// can sign only if the text carries private material, keeps the <c>alg</c> it names, and survives export and re-import.
/// </summary>
internal sealed class JwkTarget : IFuzzTarget
{
    public void Run(ReadOnlySpan<byte> input)
    {
        var json = Encoding.UTF8.GetString(input);
        SigningKey key;
        try
        {
            key = SigningKey.FromJwk(json);
        }
        catch (InvalidSigningKeyException)
        {
            return;
        }

        using (key)
        {
            JwkOracles.CheckImported(key, json);
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        foreach (var algorithm in JwtAlgorithms.All)
        {
            using var key = SigningKey.Generate(algorithm, "k-" + algorithm.GetName());
            yield return Encoding.UTF8.GetBytes(key.ToJwk(includePrivateKey: true));
            if (algorithm.GetKeyType() != SigningKeyType.Symmetric)
            {
                yield return Encoding.UTF8.GetBytes(key.ToJwk());
            }
        }
    }
}

/// <summary>What must hold of every key that imported from JWK text.</summary>
internal static class JwkOracles
{
    private static readonly string[] s_private = ["d", "k", "p", "q", "dp", "dq", "qi"];

    public static void CheckImported(SigningKey key, string json)
    {
        using var document = JsonDocument.Parse(json);
        CheckImported(key, document.RootElement);
    }

    public static void CheckImported(SigningKey key, JsonElement jwk)
    {
        if (key.CanSign)
        {
            OracleFailureException.Check(
                s_private.Any(name => jwk.TryGetProperty(name, out _)),
                $"A {key.Algorithm.GetName()} key imported as able to sign from a JWK without private material.");
        }

        if (jwk.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String)
        {
            OracleFailureException.Check(alg.GetString() == key.Algorithm.GetName(), $"A JWK with \"alg\":\"{alg.GetString()}\" imported as {key.Algorithm.GetName()}.");
        }

        var exported = key.ToJwk(includePrivateKey: key.CanSign);
        using var again = SigningKey.FromJwk(exported);
        OracleFailureException.Check(
            again.KeyId == key.KeyId && again.Algorithm == key.Algorithm && again.KeyType == key.KeyType && again.CanSign == key.CanSign,
            $"Export and re-import changed the key: {key.KeyId}/{key.Algorithm}/{key.CanSign} became {again.KeyId}/{again.Algorithm}/{again.CanSign}.");
    }
}
