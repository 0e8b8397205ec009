using System.Security.Cryptography;
using System.Text;
using JwtSessions.Internal;
using Microsoft.IdentityModel.Tokens;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace JwtSessions.Signing;

/// <summary>
/// EdDSA over Ed25519 (RFC 8037), through BouncyCastle's RFC 8032 implementation: the BCL has no Ed25519.
/// </summary>
/// <remarks>
/// BouncyCastle's verifier rejects S ≥ L and non-canonical point encodings (RFC 8032 §5.1.7), which the Wycheproof
/// <c>SignatureMalleability</c> vectors pin. The public point is decoded and validated once, at construction.
/// </remarks>
internal sealed class EdDsaSigningKey : SigningKey
{
    public const string CurveName = "Ed25519";
    private const int KeySize = 32;

    private readonly byte[] _publicKey;
    private readonly byte[]? _privateKey;
    private readonly Ed25519.PublicPoint _publicPoint;

    private EdDsaSigningKey(byte[] publicKey, byte[]? privateKey, Ed25519.PublicPoint point, string keyId)
        : base(JwtAlgorithm.EdDSA, keyId)
    {
        _publicKey = publicKey;
        _privateKey = privateKey;
        _publicPoint = point;
    }

    public override bool CanSign => _privateKey is not null;

    internal override int SignatureSize => Ed25519.SignatureSize;

    public static EdDsaSigningKey GenerateKey(string? keyId)
    {
        Span<byte> seed = stackalloc byte[KeySize];
        Span<byte> publicKey = stackalloc byte[KeySize];
        RandomNumberGenerator.Fill(seed);
        try
        {
            Ed25519.GeneratePublicKey(seed, publicKey);
            return Create(publicKey, seed, keyId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    public static EdDsaSigningKey Create(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey, string? keyId)
    {
        if (publicKey.Length != KeySize)
        {
            throw new InvalidSigningKeyException($"An Ed25519 public key has exactly {KeySize} bytes; got {publicKey.Length}.");
        }

        var point = Ed25519.ValidatePublicKeyFullExport(publicKey)
            ?? throw new InvalidSigningKeyException("The Ed25519 public key is not a valid point of the prime-order subgroup.");

        byte[]? seed = null;
        if (!privateKey.IsEmpty)
        {
            if (privateKey.Length != KeySize)
            {
                throw new InvalidSigningKeyException($"An Ed25519 private key has exactly {KeySize} bytes; got {privateKey.Length}.");
            }

            Span<byte> derived = stackalloc byte[KeySize];
            Ed25519.GeneratePublicKey(privateKey, derived);
            if (!derived.SequenceEqual(publicKey))
            {
                throw new InvalidSigningKeyException("The Ed25519 private key does not belong to the public key.");
            }

            seed = privateKey.ToArray();
        }

        var pub = publicKey.ToArray();
        return new EdDsaSigningKey(pub, seed, point, keyId ?? Thumbprint(pub));
    }

    public override SigningKey ToPublicKey()
    {
        ThrowIfDisposed();
        return new EdDsaSigningKey(_publicKey, null, _publicPoint, KeyId);
    }

    // Ed25519 holds no native handle, but a disposed key fails closed like the others.
    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
        => signature.Length == Ed25519.SignatureSize && !IsDisposed && Ed25519.Verify(signature, _publicPoint, signingInput);

    internal override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination)
    {
        ThrowIfDisposed();
        var seed = _privateKey ?? throw new InvalidOperationException("This Ed25519 key has no private part.");
        // Spans on purpose: with byte[] arguments overload resolution picks Sign(sk, byte[] ctx, m, sig), which is Ed25519ctx.
        Ed25519.Sign((ReadOnlySpan<byte>)seed, (ReadOnlySpan<byte>)_publicKey, signingInput, destination[..Ed25519.SignatureSize]);
        return Ed25519.SignatureSize;
    }

    private protected override void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey)
    {
        jwk.Kty = "OKP";
        jwk.Crv = CurveName;
        jwk.X = Base64UrlStrict.Encode(_publicKey);
        if (includePrivateKey && _privateKey is not null)
        {
            jwk.D = Base64UrlStrict.Encode(_privateKey);
        }
    }

    // RFC 7638 §3.2 with the RFC 8037 §2 members for OKP: {"crv","kty","x"} in lexicographic order, no whitespace.
    private static string Thumbprint(byte[] publicKey)
    {
        var canonical = $"{{\"crv\":\"{CurveName}\",\"kty\":\"OKP\",\"x\":\"{Base64UrlStrict.Encode(publicKey)}\"}}";
        return Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
