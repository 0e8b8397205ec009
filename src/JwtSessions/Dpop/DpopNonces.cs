using System.Buffers.Binary;
using System.Security.Cryptography;
using JwtSessions.Internal;

namespace JwtSessions.Dpop;

/// <summary>
/// Stateless server nonces (RFC 9449 §8): the second they were made and an HMAC-SHA256 of it under the server's key,
/// base64url. Any server holding the key checks them; nothing is stored. Checked in constant time.
/// </summary>
internal sealed class DpopNonces
{
    private const int TimeBytes = 8;
    private const int MacBytes = 16;
    private const int NonceBytes = TimeBytes + MacBytes;

    /// <summary>The length of a nonce's text: 24 bytes in base64url.</summary>
    public const int NonceLength = 32;

    private readonly byte[] _key;
    private readonly long _lifetimeSeconds;
    private readonly long _skewSeconds;

    public DpopNonces(byte[] key, TimeSpan lifetime, TimeSpan skew)
    {
        _key = [.. key];
        _lifetimeSeconds = (long)lifetime.TotalSeconds;
        _skewSeconds = (long)Math.Ceiling(skew.TotalSeconds);
    }

    public string Create(long nowSeconds)
    {
        Span<byte> nonce = stackalloc byte[NonceBytes];
        BinaryPrimitives.WriteInt64BigEndian(nonce, nowSeconds);
        Mac(nonce[..TimeBytes], nonce[TimeBytes..]);
        return Base64UrlStrict.Encode(nonce);
    }

    public bool IsValid(ReadOnlySpan<byte> text, long nowSeconds)
    {
        if (text.Length != NonceLength || !Base64UrlStrict.IsCanonical(text))
        {
            return false;
        }

        Span<byte> nonce = stackalloc byte[NonceBytes];
        if (Base64UrlStrict.Decode(text, nonce) != NonceBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(nonce[..TimeBytes], expected);
        if (!ConstantTime.AreEqual(expected, nonce[TimeBytes..]))
        {
            return false;
        }

        var madeAt = BinaryPrimitives.ReadInt64BigEndian(nonce);
        return madeAt <= nowSeconds + _skewSeconds && nowSeconds - madeAt <= _lifetimeSeconds;
    }

    private void Mac(ReadOnlySpan<byte> time, Span<byte> destination)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, time, mac);
        mac[..MacBytes].CopyTo(destination);
    }
}
