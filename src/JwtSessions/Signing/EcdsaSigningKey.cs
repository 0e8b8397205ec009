using System.Security.Cryptography;
using JwtSessions.Internal;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>ES256 (P-256), ES384 (P-384) and ES512 (P-521) with IEEE P1363 signatures (RFC 7518 §3.4).</summary>
internal sealed class EcdsaSigningKey : SigningKey
{
    // Group orders n (SEC 2 / FIPS 186-4 D.1.2), big-endian, at the curve's field size.
    private static readonly byte[] s_orderP256 = Convert.FromHexString(
        "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

    private static readonly byte[] s_orderP384 = Convert.FromHexString(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973");

    private static readonly byte[] s_orderP521 = Convert.FromHexString(
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409");

    private readonly ECDsa _ecdsa;
    private readonly byte[] _order;
    private readonly HashAlgorithmName _hash;

    private EcdsaSigningKey(ECDsa ecdsa, bool hasPrivate, JwtAlgorithm algorithm, string keyId)
        : base(algorithm, keyId)
    {
        _ecdsa = ecdsa;
        CanSign = hasPrivate;
        _hash = algorithm.GetHashAlgorithm();
        _order = OrderOf(algorithm);
        SignatureSize = 2 * _order.Length;
    }

    public override bool CanSign { get; }

    internal override int SignatureSize { get; }

    public static EcdsaSigningKey GenerateKey(JwtAlgorithm algorithm, string? keyId)
    {
        using var ecdsa = ECDsa.Create(CurveOf(algorithm));
        return Create(ecdsa.ExportParameters(includePrivateParameters: true), algorithm, keyId);
    }

    public static EcdsaSigningKey Create(ECParameters parameters, JwtAlgorithm algorithm, string? keyId)
    {
        var expected = CurveOf(algorithm);
        if (!parameters.Curve.IsNamed || parameters.Curve.Oid?.Value is not { } oid || oid != expected.Oid.Value)
        {
            throw new InvalidSigningKeyException(
                $"{algorithm.GetName()} requires a key on {expected.Oid.FriendlyName} (RFC 7518 §3.4); the key is on another curve.");
        }

        var fieldSize = OrderOf(algorithm).Length;
        if (parameters.Q.X is not { } x || parameters.Q.Y is not { } y || x.Length != fieldSize || y.Length != fieldSize)
        {
            throw new InvalidSigningKeyException($"An {algorithm.GetName()} public point needs x and y of exactly {fieldSize} bytes.");
        }

        var ecdsa = ECDsa.Create();
        try
        {
            // ImportParameters runs the platform's full public-key validation: a point off the curve is refused here
            // (RFC 8725 §3.4, NIST SP 800-56A 5.6.2.3.4), as is a private scalar that does not match the point.
            parameters.Validate();
            ecdsa.ImportParameters(parameters);
        }
        catch (CryptographicException ex)
        {
            ecdsa.Dispose();
            throw new InvalidSigningKeyException($"The {algorithm.GetName()} key is not a valid point on its curve.", ex);
        }

        var key = new EcdsaSigningKey(ecdsa, parameters.D is not null, algorithm, keyId ?? "pending");
        return keyId is null ? new EcdsaSigningKey(ecdsa, key.CanSign, algorithm, ThumbprintKeyId(key.PublicJwk())) : key;
    }

    public override SigningKey ToPublicKey()
    {
        ThrowIfDisposed();
        return Create(_ecdsa.ExportParameters(includePrivateParameters: false), Algorithm, KeyId);
    }

    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        // RFC 7518 §3.4: exactly R || S at the field size. Then 1 <= r, s < n is checked here, before the platform call,
        // so a provider regression of the CVE-2022-21449 kind ("psychic signatures", r = s = 0) cannot make us accept.
        if (signature.Length != SignatureSize || IsDisposed)
        {
            return false;
        }

        var half = SignatureSize / 2;
        if (!InRange(signature[..half], _order) || !InRange(signature[half..], _order))
        {
            return false;
        }

        try
        {
            // The overload without a DSASignatureFormat reads the signature as IEEE P1363 (r || s), as RFC 7518 §3.4 requires,
            // and allocates less than the one that names the format (docs/validation.md §15, "ES256").
            return _ecdsa.VerifyData(signingInput, signature, _hash);
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
        return _ecdsa.SignData(signingInput, destination, _hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private protected override void ReleaseResources()
        => _ecdsa.Dispose();

    private protected override void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey)
    {
        var p = _ecdsa.ExportParameters(includePrivateKey && CanSign);
        jwk.Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve;
        jwk.Crv = CurveName(Algorithm);
        jwk.X = Base64UrlStrict.Encode(p.Q.X);
        jwk.Y = Base64UrlStrict.Encode(p.Q.Y);
        if (includePrivateKey && CanSign)
        {
            jwk.D = Base64UrlStrict.Encode(p.D);
        }
    }

    internal static string CurveName(JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.ES256 => JsonWebKeyECTypes.P256,
        JwtAlgorithm.ES384 => JsonWebKeyECTypes.P384,
        _ => JsonWebKeyECTypes.P521,
    };

    internal static ECCurve CurveOf(JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.ES256 => ECCurve.NamedCurves.nistP256,
        JwtAlgorithm.ES384 => ECCurve.NamedCurves.nistP384,
        JwtAlgorithm.ES512 => ECCurve.NamedCurves.nistP521,
        _ => throw new InvalidSigningKeyException($"An EC key can only be bound to ES256, ES384 or ES512, not {algorithm.GetName()} (RFC 8725 §3.1)."),
    };

    private static byte[] OrderOf(JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.ES256 => s_orderP256,
        JwtAlgorithm.ES384 => s_orderP384,
        _ => s_orderP521,
    };

    // 0 < value < order, both big-endian of equal length. Public values only, so no constant-time requirement.
    private static bool InRange(ReadOnlySpan<byte> value, ReadOnlySpan<byte> order)
        => value.IndexOfAnyExcept((byte)0) >= 0 && value.SequenceCompareTo(order) < 0;

    private JsonWebKey PublicJwk()
    {
        var jwk = new JsonWebKey();
        WriteKeyMembers(jwk, includePrivateKey: false);
        return jwk;
    }
}
