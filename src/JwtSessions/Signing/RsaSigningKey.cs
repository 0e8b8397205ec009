using System.Security.Cryptography;
using JwtSessions.Internal;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>RS256/384/512 (PKCS#1 v1.5) and PS256/384/512 (PSS, salt length equal to the hash) on 2048 to 8192-bit moduli.</summary>
internal sealed class RsaSigningKey : SigningKey
{
    public const int MinimumBits = 2048;
    public const int MaximumBits = 8192;

    private readonly RSA _rsa;
    private readonly RSASignaturePadding _padding;
    private readonly HashAlgorithmName _hash;

    private RsaSigningKey(RSA rsa, bool hasPrivate, JwtAlgorithm algorithm, string keyId)
        : base(algorithm, keyId)
    {
        _rsa = rsa;
        CanSign = hasPrivate;
        _hash = algorithm.GetHashAlgorithm();
        _padding = algorithm is JwtAlgorithm.PS256 or JwtAlgorithm.PS384 or JwtAlgorithm.PS512
            ? RSASignaturePadding.Pss
            : RSASignaturePadding.Pkcs1;
        // RFC 8017 §8.2.2: k is the modulus length in whole bytes, rounded up. KeySize / 8 truncated it for moduli whose
        // bit length is not a multiple of 8 (2052 bits needs 257 bytes), so such keys signed tokens nothing could verify.
        SignatureSize = (rsa.KeySize + 7) / 8;
    }

    public override bool CanSign { get; }

    internal override int SignatureSize { get; }

    public static RsaSigningKey GenerateKey(JwtAlgorithm algorithm, string? keyId)
    {
        using var rsa = RSA.Create(MinimumBits);
        return Create(rsa.ExportParameters(includePrivateParameters: true), algorithm, keyId);
    }

    public static RsaSigningKey Create(RSAParameters parameters, JwtAlgorithm algorithm, string? keyId)
    {
        if (algorithm.GetKeyType() != SigningKeyType.Rsa)
        {
            throw new InvalidSigningKeyException($"An RSA key can only be bound to RS256/384/512 or PS256/384/512, not {algorithm.GetName()} (RFC 8725 §3.1).");
        }

        var modulus = parameters.Modulus ?? throw new InvalidSigningKeyException("An RSA key needs a modulus (n).");
        var exponent = parameters.Exponent ?? throw new InvalidSigningKeyException("An RSA key needs a public exponent (e).");
        var bits = BitLength(modulus);
        if (bits is < MinimumBits or > MaximumBits)
        {
            throw new InvalidSigningKeyException(
                $"An RSA modulus must have {MinimumBits} to {MaximumBits} bits (RFC 7518 §3.3, §8.6); got {bits}.");
        }

        var e = exponent.AsSpan().TrimStart((byte)0);
        if (e.IsEmpty || (e[^1] & 1) == 0 || (e.Length == 1 && e[0] == 1))
        {
            throw new InvalidSigningKeyException("An RSA public exponent must be odd and greater than 1.");
        }

        // RFC 8017 §3.1: n is a product of odd primes and 3 <= e < n. Public keys are not checked by the platform import.
        var n = modulus.AsSpan().TrimStart((byte)0);
        if ((n[^1] & 1) == 0)
        {
            throw new InvalidSigningKeyException("An RSA modulus must be odd: it is the product of two odd primes (RFC 8017 §3.1).");
        }

        if (e.Length > n.Length || (e.Length == n.Length && e.SequenceCompareTo(n) >= 0))
        {
            throw new InvalidSigningKeyException("An RSA public exponent must be smaller than the modulus (RFC 8017 §3.1).");
        }

        if (RocaFingerprint.Matches(modulus))
        {
            throw new InvalidSigningKeyException(
                "The RSA modulus has the ROCA fingerprint (CVE-2017-15361): it was made by a weak generator and can be factored.");
        }

        var hasPrivate = parameters.D is not null;
        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(parameters);
        }
        catch (CryptographicException ex)
        {
            rsa.Dispose();
            throw new InvalidSigningKeyException("The RSA parameters are not a consistent key.", ex);
        }

        var key = new RsaSigningKey(rsa, hasPrivate, algorithm, keyId ?? "pending");
        return keyId is null ? key.WithKeyId(ThumbprintKeyId(key.ToJsonWebKeyCore(includePrivateKey: false))) : key;
    }

    public override SigningKey ToPublicKey()
    {
        ThrowIfDisposed();
        return Create(_rsa.ExportParameters(includePrivateParameters: false), Algorithm, KeyId);
    }

    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        // RFC 8017 §8.2.2: the signature is exactly k bytes; a prepended zero or a truncation never reaches the platform.
        if (signature.Length != SignatureSize || IsDisposed)
        {
            return false;
        }

        try
        {
            return _rsa.VerifyData(signingInput, signature, _hash, _padding);
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ObjectDisposedException)
        {
            // Disposed while this call was on its way (SigningKey.Dispose): rejected like any signature of a disposed key.
            return false;
        }
    }

    internal override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination)
    {
        ThrowIfDisposed();
        return _rsa.SignData(signingInput, destination, _hash, _padding);
    }

    private protected override void ReleaseResources()
        => _rsa.Dispose();

    private protected override void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey)
    {
        var p = _rsa.ExportParameters(includePrivateKey && CanSign);
        jwk.Kty = JsonWebAlgorithmsKeyTypes.RSA;
        jwk.N = Base64UrlStrict.Encode(p.Modulus);
        jwk.E = Base64UrlStrict.Encode(p.Exponent);
        if (includePrivateKey && CanSign)
        {
            jwk.D = Base64UrlStrict.Encode(p.D);
            jwk.P = Base64UrlStrict.Encode(p.P);
            jwk.Q = Base64UrlStrict.Encode(p.Q);
            jwk.DP = Base64UrlStrict.Encode(p.DP);
            jwk.DQ = Base64UrlStrict.Encode(p.DQ);
            jwk.QI = Base64UrlStrict.Encode(p.InverseQ);
        }
    }

    private JsonWebKey ToJsonWebKeyCore(bool includePrivateKey)
    {
        var jwk = new JsonWebKey();
        WriteKeyMembers(jwk, includePrivateKey);
        return jwk;
    }

    private RsaSigningKey WithKeyId(string keyId) => new(_rsa, CanSign, Algorithm, keyId);

    private static int BitLength(ReadOnlySpan<byte> bigEndian)
    {
        var trimmed = bigEndian.TrimStart((byte)0);
        return trimmed.IsEmpty ? 0 : ((trimmed.Length - 1) * 8) + (32 - int.LeadingZeroCount(trimmed[0]));
    }
}
