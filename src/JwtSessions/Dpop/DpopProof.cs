using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using JwtSessions.Internal;
using JwtSessions.Signing;

namespace JwtSessions.Dpop;

/// <summary>
/// Makes DPoP proofs (RFC 9449 §4.2) on the client side: a .NET client (a MAUI app, a service calling a DPoP-protected API)
/// signs one per request with its own key, which never leaves it.
/// </summary>
/// <threadsafety>All members are static and thread-safe.</threadsafety>
public static class DpopProof
{
    /// <summary>Makes a proof for one request.</summary>
    /// <param name="key">The client's private key: ES256, EdDSA, PS256 or RS256 (whatever the server allows). Its public half goes into the <c>jwk</c> header.</param>
    /// <param name="httpMethod">The request's method (<c>htm</c>).</param>
    /// <param name="httpUri">The request's absolute URI; query and fragment are left out of <c>htu</c>.</param>
    /// <param name="issuedAt">The proof's <c>iat</c>: now, from the client's clock.</param>
    /// <param name="accessToken">The access token sent with the request (at a resource), hashed into <c>ath</c>; <see langword="null"/> at the token or refresh endpoint.</param>
    /// <param name="nonce">The server's latest <c>DPoP-Nonce</c>, when it asked for one.</param>
    /// <returns>The value of the request's <c>DPoP</c> header.</returns>
    /// <exception cref="ArgumentException">The key cannot sign or is symmetric, the method is empty, or the URI is not absolute.</exception>
    public static string Create(SigningKey key, string httpMethod, Uri httpUri, DateTimeOffset issuedAt, string? accessToken = null, string? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(httpMethod);
        ArgumentNullException.ThrowIfNull(httpUri);
        if (!key.CanSign || key.KeyType == SigningKeyType.Symmetric)
        {
            throw new ArgumentException("A DPoP proof is signed with the private half of an asymmetric key.", nameof(key));
        }

        if (!httpUri.IsAbsoluteUri)
        {
            throw new ArgumentException("The request URI must be absolute.", nameof(httpUri));
        }

        var jwk = key.ToJsonWebKey();
        var header = Json(writer =>
        {
            writer.WriteString("typ", "dpop+jwt");
            writer.WriteString("alg", key.Algorithm.GetName());
            writer.WriteStartObject("jwk");
            writer.WriteString("kty", jwk.Kty);
            if (jwk.Crv is not null)
            {
                writer.WriteString("crv", jwk.Crv);
                writer.WriteString("x", jwk.X);
            }

            if (jwk.Y is not null)
            {
                writer.WriteString("y", jwk.Y);
            }

            if (jwk.N is not null)
            {
                writer.WriteString("n", jwk.N);
                writer.WriteString("e", jwk.E);
            }

            writer.WriteEndObject();
        });

        Span<byte> jti = stackalloc byte[16];
        RandomNumberGenerator.Fill(jti);
        var jtiText = Base64UrlStrict.Encode(jti);
        var payload = Json(writer =>
        {
            writer.WriteString("jti", jtiText);
            writer.WriteString("htm", httpMethod);
            writer.WriteString("htu", httpUri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
            writer.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            if (accessToken is not null)
            {
                writer.WriteString("ath", Base64UrlStrict.Encode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(accessToken))));
            }

            if (nonce is not null)
            {
                writer.WriteString("nonce", nonce);
            }
        });

        var signingInput = System.Text.Encoding.ASCII.GetBytes(Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload));
        var signature = new byte[key.SignatureSize];
        var length = key.Sign(signingInput, signature);
        return System.Text.Encoding.ASCII.GetString(signingInput) + "." + Base64Url.EncodeToString(signature.AsSpan(0, length));
    }

    private static byte[] Json(Action<Utf8JsonWriter> members)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
