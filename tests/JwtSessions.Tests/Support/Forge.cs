using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Signing;

namespace JwtSessions.Tests.Support;

/// <summary>
/// Attacker-side helpers for the adversarial corpus: HMAC with arbitrary key bytes, headers and claim sets with one thing
/// changed, re-encodings of a segment, and the platform key objects behind <see cref="TestKeys"/>.
/// </summary>
internal static class Forge
{
    /// <summary>The order n of P-256 (SEC 2 §2.4.2), big-endian.</summary>
    public static readonly byte[] P256Order = Convert.FromHexString("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    /// <summary>The order L of the Ed25519 base point (RFC 8032 §5.1).</summary>
    public static readonly BigInteger Ed25519Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", CultureInfo.InvariantCulture);

    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A JOSE header with <paramref name="extra"/> appended verbatim inside the object; <c>null</c> leaves a member out.</summary>
    public static string Header(string? alg, string? kid, string? typ = "at+jwt", string extra = "")
    {
        var members = new List<string>();
        if (alg is not null)
        {
            members.Add($"\"alg\":\"{alg}\"");
        }

        if (kid is not null)
        {
            members.Add($"\"kid\":\"{kid}\"");
        }

        if (typ is not null)
        {
            members.Add($"\"typ\":\"{typ}\"");
        }

        if (extra.Length > 0)
        {
            members.Add(extra);
        }

        return "{" + string.Join(",", members) + "}";
    }

    public static string Header(SigningKey key, string extra = "") => Header(key.Algorithm.GetName(), key.KeyId, "at+jwt", extra);

    /// <summary>
    /// The valid claim set of <see cref="RawToken.Payload"/> with members replaced, added (raw JSON values) or removed (<c>null</c>).
    /// </summary>
    public static string Claims(params (string Name, string? Json)[] changes)
    {
        var now = TestClock.StartSeconds;
        var claims = new List<KeyValuePair<string, string>>
        {
            new("iss", $"\"{RawToken.Issuer}\""),
            new("sub", "\"user-1\""),
            new("aud", $"\"{RawToken.Audience}\""),
            new("exp", Number(now + 300)),
            new("iat", Number(now)),
            new("jti", "\"jti-1\""),
            new("sid", "\"sid-1\""),
        };
        foreach (var (name, json) in changes)
        {
            var index = claims.FindIndex(c => c.Key == name);
            if (json is null)
            {
                if (index >= 0)
                {
                    claims.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                claims[index] = new(name, json);
            }
            else
            {
                claims.Add(new(name, json));
            }
        }

        return "{" + string.Join(",", claims.Select(static c => $"\"{c.Key}\":{c.Value}")) + "}";
    }

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string B64(string text) => RawToken.B64(text);

    public static string B64(byte[] bytes) => RawToken.B64(bytes);

    public static byte[] Unb64(string segment) => Base64Url.DecodeFromChars(segment);

    /// <summary>HMAC-SHA256 keyed with any bytes over the exact text <c>header.payload</c>, as a naive verifier computes it.</summary>
    public static string HmacSha256(string headerSegment, string payloadSegment, ReadOnlySpan<byte> secret)
        => headerSegment + "." + payloadSegment + "." + B64(HMACSHA256.HashData(secret, Ascii(headerSegment + "." + payloadSegment)));

    public static string HmacSha256Json(string headerJson, string payloadJson, ReadOnlySpan<byte> secret)
        => HmacSha256(B64(headerJson), B64(payloadJson), secret);

    /// <summary>What a key-confused verifier does: take key material as the HMAC secret and compare the tag.</summary>
    public static bool NaiveHmacVerifies(string token, ReadOnlySpan<byte> secret)
    {
        var (header, payload, signature) = Split(token);
        var expected = HMACSHA256.HashData(secret, Ascii(header + "." + payload));
        return CryptographicOperations.FixedTimeEquals(expected, Unb64(signature));
    }

    /// <summary>Signs segments that are already encoded, whatever they hold.</summary>
    public static string SignSegments(string headerSegment, string payloadSegment, SigningKey key)
        => RawToken.SignSegments(headerSegment, payloadSegment, key);

    public static string SignBytes(byte[] header, byte[] payload, SigningKey key) => RawToken.SignSegments(B64(header), B64(payload), key);

    public static (string Header, string Payload, string Signature) Split(string token)
    {
        var parts = token.Split('.');
        return (parts[0], parts[1], parts[2]);
    }

    public static string WithSignature(string token, byte[] signature)
    {
        var (header, payload, _) = Split(token);
        return header + "." + payload + "." + B64(signature);
    }

    public static byte[] SignatureOf(string token) => Unb64(Split(token).Signature);

    /// <summary>Adds '=' padding to an unpadded segment (RFC 4648 §3.2), which RFC 7515 §2 forbids.</summary>
    public static string Pad(string segment) => (segment.Length % 4) switch
    {
        2 => segment + "==",
        3 => segment + "=",
        _ => segment,
    };

    /// <summary>The standard base64 alphabet of the same bytes ('+' and '/' instead of '-' and '_').</summary>
    public static string StandardAlphabet(string segment) => segment.Replace('-', '+').Replace('_', '/');

    /// <summary>
    /// Sets the unused low bits of the last character (RFC 4648 §3.5): a lenient decoder yields the very same bytes.
    /// Returns the segment unchanged when its length leaves no unused bits.
    /// </summary>
    public static string NonCanonicalTrailingBits(string segment)
    {
        var unusedMask = (segment.Length % 4) switch
        {
            2 => 0x0F,
            3 => 0x03,
            _ => 0,
        };
        if (unusedMask == 0)
        {
            return segment;
        }

        var value = Alphabet.IndexOf(segment[^1], StringComparison.Ordinal);
        return segment[..^1] + Alphabet[value | 1];
    }

    /// <summary>The ECDsa with private key behind an ECDSA <see cref="SigningKey"/>, for signatures the library never makes.</summary>
    public static ECDsa EcdsaOf(SigningKey key)
    {
        var jwk = key.ToJsonWebKey(includePrivateKey: key.CanSign);
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Unb64(jwk.X), Y = Unb64(jwk.Y) },
            D = jwk.D is null ? null : Unb64(jwk.D),
        };
        return ECDsa.Create(parameters);
    }

    /// <summary>The public RSA key behind an RSA <see cref="SigningKey"/>.</summary>
    public static RSA RsaPublicOf(SigningKey key)
    {
        var jwk = key.ToJsonWebKey();
        return RSA.Create(new RSAParameters { Modulus = Unb64(jwk.N), Exponent = Unb64(jwk.E) });
    }

    /// <summary>(r, n − s): the other valid ECDSA signature of the same message (inherent malleability).</summary>
    public static byte[] HighSTwin(byte[] p1363)
    {
        var s = new BigInteger(p1363.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var n = new BigInteger(P256Order, isUnsigned: true, isBigEndian: true);
        var twin = (byte[])p1363.Clone();
        var encoded = (n - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        Array.Clear(twin, 32, 32);
        encoded.CopyTo(twin, 64 - encoded.Length);
        return twin;
    }

    /// <summary>An Ed25519 signature with S replaced by S + L: the same value mod L, rejected by RFC 8032 §5.1.7.</summary>
    public static byte[] EdDsaSPlusL(byte[] signature)
    {
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: false);
        var forged = (byte[])signature.Clone();
        var encoded = (s + Ed25519Order).ToByteArray(isUnsigned: true, isBigEndian: false);
        Array.Clear(forged, 32, 32);
        encoded.CopyTo(forged, 32);
        return forged;
    }

    /// <summary>A 32-byte big-endian scalar.</summary>
    public static byte[] Scalar(BigInteger value)
    {
        var result = new byte[32];
        var encoded = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        encoded.CopyTo(result, 32 - encoded.Length);
        return result;
    }
}
