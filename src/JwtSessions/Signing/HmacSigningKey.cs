using System.Security.Cryptography;
using JwtSessions.Internal;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>HS256/384/512 with a secret at least as long as the hash (RFC 7518 §3.2).</summary>
internal sealed class HmacSigningKey : SigningKey
{
    private readonly byte[] _secret;

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

    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[64];
        var length = Sign(signingInput, expected);

        // RFC 7518 §3.2: the comparison MUST be constant time. The length was already checked against SignatureSize.
        return signature.Length == length && CryptographicOperations.FixedTimeEquals(expected[..length], signature);
    }

    internal override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination) => Algorithm switch
    {
        JwtAlgorithm.HS256 => HMACSHA256.HashData(_secret, signingInput, destination),
        JwtAlgorithm.HS384 => HMACSHA384.HashData(_secret, signingInput, destination),
        _ => HMACSHA512.HashData(_secret, signingInput, destination),
    };

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
