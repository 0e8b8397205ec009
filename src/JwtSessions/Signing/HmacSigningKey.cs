using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using JwtSessions.Internal;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>HS256/384/512 with a secret at least as long as the hash (RFC 7518 §3.2).</summary>
/// <remarks>
/// Signing and verifying reuse keyed HMAC instances from a small per-key pool instead of the one-shot
/// <c>HMACSHA256.HashData</c>, which sets the key up on every call: on OpenSSL that costs about as much again as the MAC of a
/// typical token (docs/benchmarks.md, <c>HashDataFloor</c> against <c>KeyedHmacFloor</c>).
/// </remarks>
internal sealed class HmacSigningKey : SigningKey
{
    private readonly byte[] _secret;
    private readonly HmacPool _pool;

    public HmacSigningKey(ReadOnlySpan<byte> secret, JwtAlgorithm algorithm, string keyId)
        : base(algorithm, keyId)
    {
        if (algorithm.GetKeyType() != SigningKeyType.Symmetric)
        {
            throw new InvalidSigningKeyException($"A symmetric secret can only be bound to HS256, HS384 or HS512, not {algorithm.GetName()} (RFC 8725 §3.1).");
        }

        var minimum = algorithm.GetHashSizeInBytes();
        if (secret.Length < minimum)
        {
            throw new InvalidSigningKeyException(
                $"{algorithm.GetName()} requires a secret of at least {minimum} bytes, the size of its hash (RFC 7518 §3.2); got {secret.Length}.");
        }

        _secret = secret.ToArray();
        _pool = new HmacPool(algorithm.GetHashAlgorithm(), _secret);
    }

    public override bool CanSign => true;

    internal override int SignatureSize => Algorithm.GetHashSizeInBytes();

    public static HmacSigningKey GenerateKey(JwtAlgorithm algorithm, string? keyId)
    {
        Span<byte> secret = stackalloc byte[algorithm.GetHashSizeInBytes()];
        RandomNumberGenerator.Fill(secret);
        try
        {
            return new HmacSigningKey(secret, algorithm, keyId ?? RandomKeyId());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public override SigningKey ToPublicKey()
        => throw new InvalidOperationException("An HMAC key is a shared secret and has no public half.");

    [SkipLocalsInit]
    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[64];

        // A disposed key computes no MAC, so it matches nothing (SigningKey.Dispose). RFC 7518 §3.2: the comparison MUST be
        // constant time. The length was already checked against SignatureSize.
        var equal = _pool.TryMac(signingInput, expected, out var length)
            && signature.Length == length
            && ConstantTime.AreEqual(expected[..length], signature);
        CryptographicOperations.ZeroMemory(expected);
        return equal;
    }

    internal override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination)
    {
        if (!_pool.TryMac(signingInput, destination, out var length))
        {
            ThrowDisposed();
        }

        return length;
    }

    private protected override void ReleaseResources()
        => _pool.Dispose();

    private protected override void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey)
    {
        if (!includePrivateKey)
        {
            throw new InvalidOperationException("An HMAC key is a shared secret: it can only be exported with its secret, never published.");
        }

        jwk.Kty = JsonWebAlgorithmsKeyTypes.Octet;
        jwk.K = Base64UrlStrict.Encode(_secret);
    }
}
