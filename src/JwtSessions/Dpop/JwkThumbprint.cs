using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Internal;
using JwtSessions.Signing;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Dpop;

/// <summary>
/// The RFC 7638 JWK thumbprint with SHA-256, base64url: the value of a DPoP-bound token's <c>cnf.jkt</c> (RFC 9449 §6.1).
/// </summary>
/// <remarks>
/// The hash is over the key's required public members only, in lexicographic order, without whitespace: <c>crv</c>,
/// <c>kty</c>, <c>x</c>, <c>y</c> for EC; <c>e</c>, <c>kty</c>, <c>n</c> for RSA; <c>crv</c>, <c>kty</c>, <c>x</c> for OKP (RFC 8037 §2).
/// </remarks>
/// <threadsafety>All members are static and thread-safe.</threadsafety>
public static class JwkThumbprint
{
    private static readonly SearchValues<char> s_plain =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>Computes the thumbprint of an asymmetric key's public half.</summary>
    /// <param name="key">The key; only its public members are read.</param>
    /// <returns>The 43-character base64url thumbprint.</returns>
    /// <exception cref="InvalidOperationException">The key is symmetric: it has no public form.</exception>
    public static string Compute(SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Compute(key.ToJsonWebKey());
    }

    /// <summary>Computes the thumbprint of a JWK from its required public members.</summary>
    /// <param name="jwk">The key: <c>EC</c>, <c>RSA</c> or <c>OKP</c>.</param>
    /// <returns>The 43-character base64url thumbprint.</returns>
    /// <exception cref="ArgumentException">The key type is not supported, or a required member is missing or not base64url.</exception>
    public static string Compute(JsonWebKey jwk)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        return Compute(jwk.Kty, jwk.Crv, jwk.X, jwk.Y, jwk.N, jwk.E);
    }

    internal static string Compute(string? kty, string? crv, string? x, string? y, string? n, string? e)
    {
        var json = kty switch
        {
            JsonWebAlgorithmsKeyTypes.EllipticCurve => $"{{\"crv\":\"{Member(crv, "crv")}\",\"kty\":\"EC\",\"x\":\"{Member(x, "x")}\",\"y\":\"{Member(y, "y")}\"}}",
            JsonWebAlgorithmsKeyTypes.RSA => $"{{\"e\":\"{Member(e, "e")}\",\"kty\":\"RSA\",\"n\":\"{Member(n, "n")}\"}}",
            "OKP" => $"{{\"crv\":\"{Member(crv, "crv")}\",\"kty\":\"OKP\",\"x\":\"{Member(x, "x")}\"}}",
            _ => throw new ArgumentException($"A thumbprint needs an EC, RSA or OKP key, not \"{kty}\".", nameof(kty)),
        };

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(json), hash);
        return Base64UrlStrict.Encode(hash);
    }

    /// <summary>
    /// A member value as it is hashed: base64url text (and curve names, which are of the same alphabet) needs no JSON escape,
    /// so anything outside that alphabet is refused rather than written in some escaped form another implementation would not.
    /// </summary>
    private static string Member(string? value, string name)
        => string.IsNullOrEmpty(value) || value.AsSpan().ContainsAnyExcept(s_plain)
            ? throw new ArgumentException($"The JWK member \"{name}\" is missing or not base64url.", name)
            : value;
}
