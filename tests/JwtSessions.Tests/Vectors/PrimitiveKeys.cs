using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using JwtSessions.Signing;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Builds our typed keys from the raw public keys of Wycheproof primitive files, through the public factories. Each group's key
/// is built once and shared by the group's tests (EC key import is slow on some OpenSSL builds).
/// </summary>
internal static class PrimitiveKeys
{
    private static readonly ConditionalWeakTable<JsonObject, ConcurrentDictionary<string, SigningKey?>> s_cache = [];

    /// <summary>An ECDSA key from the group's <c>publicKey.wx</c>/<c>wy</c> (hex, big-endian, possibly with a leading 00).</summary>
    public static SigningKey Ecdsa(WycheproofVector vector, JwtAlgorithm algorithm)
        => Cached(vector, $"raw-{algorithm}", () => CreateEcdsa(vector, algorithm))!;

    /// <summary>An RSA key from the group's <c>publicKey.modulus</c>/<c>publicExponent</c> (hex; the modulus has a leading 00).</summary>
    public static SigningKey Rsa(WycheproofVector vector, JwtAlgorithm algorithm)
        => Cached(vector, $"raw-{algorithm}", () => CreateRsa(vector, algorithm))!;

    /// <summary>The group's JWK (<c>publicKeyJwk</c> or <c>keyJwk</c>) imported with <see cref="SigningKey.FromJwk"/>, if it has one.</summary>
    public static SigningKey? FromGroupJwk(WycheproofVector vector, JwtAlgorithm algorithm)
        => Cached(vector, $"jwk-{algorithm}", () => (vector.Group["publicKeyJwk"] ?? vector.Group["keyJwk"]) is { } jwk
            ? SigningKey.FromJwk(jwk.ToJsonString(), algorithm)
            : null);

    private static SigningKey? Cached(WycheproofVector vector, string kind, Func<SigningKey?> create)
        => s_cache.GetOrCreateValue(vector.Group).GetOrAdd(kind, _ => create());

    private static SigningKey CreateEcdsa(WycheproofVector vector, JwtAlgorithm algorithm)
    {
        var size = algorithm switch
        {
            JwtAlgorithm.ES256 => 32,
            JwtAlgorithm.ES384 => 48,
            _ => 66,
        };
        var publicKey = vector.Group["publicKey"]!;
        var curve = algorithm switch
        {
            JwtAlgorithm.ES256 => ECCurve.NamedCurves.nistP256,
            JwtAlgorithm.ES384 => ECCurve.NamedCurves.nistP384,
            _ => ECCurve.NamedCurves.nistP521,
        };
        var parameters = new ECParameters
        {
            Curve = curve,
            Q = new ECPoint { X = FixedSize((string)publicKey["wx"]!, size), Y = FixedSize((string)publicKey["wy"]!, size) },
        };
        return SigningKey.CreateEcdsa(parameters, algorithm, "wycheproof");
    }

    private static SigningKey CreateRsa(WycheproofVector vector, JwtAlgorithm algorithm)
    {
        var publicKey = vector.Group["publicKey"]!;
        var parameters = new RSAParameters
        {
            Modulus = Unsigned((string)publicKey["modulus"]!),
            Exponent = Unsigned((string)publicKey["publicExponent"]!),
        };
        return SigningKey.CreateRsa(parameters, algorithm, "wycheproof");
    }

    private static byte[] Unsigned(string hex) => Convert.FromHexString(hex).AsSpan().TrimStart((byte)0).ToArray();

    private static byte[] FixedSize(string hex, int size)
    {
        var value = Unsigned(hex);
        var result = new byte[size];
        value.CopyTo(result, size - value.Length);
        return result;
    }
}
