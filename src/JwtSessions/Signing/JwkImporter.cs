using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using JwtSessions.Internal;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>Turns Microsoft.IdentityModel key models into typed <see cref="SigningKey"/>s, enforcing every key rule.</summary>
internal static class JwkImporter
{
    public static SigningKey Import(JsonWebKey jwk, JwtAlgorithm? algorithm)
    {
        var key = ImportMaterial(jwk, algorithm);

        // RFC 7517 §4.3: key_ops says what the key is for. A private key declared for verifying only is kept as its public
        // half, so it can never sign. (An HMAC secret has no such half: "verify" alone changes nothing for it.)
        if (key.CanSign && key.KeyType != SigningKeyType.Symmetric && jwk.KeyOps.Count > 0 && !jwk.KeyOps.Contains("sign"))
        {
            using (key)
            {
                return key.ToPublicKey();
            }
        }

        return key;
    }

    private static SigningKey ImportMaterial(JsonWebKey jwk, JwtAlgorithm? algorithm)
    {
        ArgumentNullException.ThrowIfNull(jwk);
        if (!string.IsNullOrEmpty(jwk.Use) && jwk.Use != JsonWebKeyUseNames.Sig)
        {
            throw new InvalidSigningKeyException($"The JWK has \"use\":\"{jwk.Use}\"; only \"sig\" keys can sign or verify (RFC 7517 §4.2).");
        }

        if (jwk.KeyOps.Count > 0 && !jwk.KeyOps.Contains("verify") && !jwk.KeyOps.Contains("sign"))
        {
            throw new InvalidSigningKeyException("The JWK's \"key_ops\" allow neither \"sign\" nor \"verify\" (RFC 7517 §4.3).");
        }

        var bound = Bind(jwk, algorithm);
        var keyId = string.IsNullOrEmpty(jwk.Kid) ? null : jwk.Kid;
        switch (jwk.Kty)
        {
            case JsonWebAlgorithmsKeyTypes.Octet:
                var secret = Required(jwk.K, "k");
                try
                {
                    return SigningKey.CreateHmac(secret, bound, keyId);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(secret);
                }

            case JsonWebAlgorithmsKeyTypes.RSA:
                return SigningKey.CreateRsa(ReadRsa(jwk), bound, keyId);

            case JsonWebAlgorithmsKeyTypes.EllipticCurve:
                return SigningKey.CreateEcdsa(ReadEc(jwk, bound), bound, keyId);

            case "OKP":
                // The other key types check the binding when the key is built; Ed25519 has one algorithm only, so without
                // this check an OKP JWK with "alg":"ES256" (or ES256 requested) came back silently bound to EdDSA.
                if (bound != JwtAlgorithm.EdDSA)
                {
                    throw new InvalidSigningKeyException($"An OKP key can only be bound to EdDSA, not {bound.GetName()} (RFC 8725 §3.1).");
                }

                if (jwk.Crv != EdDsaSigningKey.CurveName)
                {
                    throw new InvalidSigningKeyException($"Only the Ed25519 OKP curve is supported for signing; got \"{jwk.Crv}\".");
                }

                var d = Optional(jwk.D, "d");
                return SigningKey.CreateEd25519(Required(jwk.X, "x"), d, keyId);

            default:
                throw new InvalidSigningKeyException($"Unsupported JWK key type \"{jwk.Kty}\".");
        }
    }

    public static SigningKey Import(SecurityKey key, JwtAlgorithm algorithm, string? keyId)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (keyId is { Length: 0 })
        {
            // Checked here because a JWK without a kid takes its thumbprint: an empty id given for one must not become that.
            throw new InvalidSigningKeyException("A key id must have 1 to 256 characters.");
        }

        keyId ??= string.IsNullOrEmpty(key.KeyId) ? null : key.KeyId;
        switch (key)
        {
            case JsonWebKey jwk:
                var imported = Import(jwk, algorithm);
                if (keyId is null || keyId == imported.KeyId)
                {
                    return imported;
                }

                imported.Dispose();
                return Import(WithKid(jwk, keyId), algorithm);
            case SymmetricSecurityKey symmetric:
                return SigningKey.CreateHmac(symmetric.Key, algorithm, keyId);
            case RsaSecurityKey rsa:
                return SigningKey.CreateRsa(rsa.Rsa is { } r ? ExportRsa(r) : rsa.Parameters, algorithm, keyId);
            case ECDsaSecurityKey ec:
                return SigningKey.CreateEcdsa(ExportEc(ec.ECDsa), algorithm, keyId);
            case X509SecurityKey x509:
                if (x509.Certificate.GetRSAPublicKey() is { } certRsa)
                {
                    using (certRsa)
                    {
                        return SigningKey.CreateRsa(certRsa.ExportParameters(false), algorithm, keyId);
                    }
                }

                using (var certEc = x509.Certificate.GetECDsaPublicKey()
                    ?? throw new InvalidSigningKeyException("The certificate holds neither an RSA nor an ECDSA key."))
                {
                    return SigningKey.CreateEcdsa(certEc.ExportParameters(false), algorithm, keyId);
                }

            default:
                throw new InvalidSigningKeyException($"Unsupported security key type {key.GetType().Name}.");
        }
    }

    private static JwtAlgorithm Bind(JsonWebKey jwk, JwtAlgorithm? requested)
    {
        JwtAlgorithm? declared = null;
        // An absent "alg" leaves the binding to the key type or the caller; a present but empty one names no algorithm
        // and is refused like any other unsupported name, never read as absent.
        if (jwk.Alg is not null)
        {
            if (!JwtAlgorithms.TryParse(jwk.Alg, out var parsed))
            {
                throw new InvalidSigningKeyException($"The JWK names an unsupported algorithm \"{jwk.Alg}\".");
            }

            declared = parsed;
        }

        if (declared is { } d && requested is { } r && d != r)
        {
            throw new InvalidSigningKeyException(
                $"The JWK is bound to {d.GetName()} but {r.GetName()} was requested; a key has exactly one algorithm (RFC 8725 §3.1).");
        }

        if ((declared ?? requested) is { } bound)
        {
            return bound;
        }

        // Only a curve names one algorithm unambiguously; RSA and oct keys fit several and need an explicit binding.
        return (jwk.Kty, jwk.Crv) switch
        {
            (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P256) => JwtAlgorithm.ES256,
            (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P384) => JwtAlgorithm.ES384,
            (JsonWebAlgorithmsKeyTypes.EllipticCurve, JsonWebKeyECTypes.P521) => JwtAlgorithm.ES512,
            ("OKP", EdDsaSigningKey.CurveName) => JwtAlgorithm.EdDSA,
            _ => throw new InvalidSigningKeyException(
                $"The {jwk.Kty} JWK has no \"alg\" and none was given: a key must be bound to exactly one algorithm (RFC 8725 §3.1)."),
        };
    }

    private static RSAParameters ReadRsa(JsonWebKey jwk)
    {
        var parameters = new RSAParameters { Modulus = Required(jwk.N, "n"), Exponent = Required(jwk.E, "e") };
        if (!string.IsNullOrEmpty(jwk.D))
        {
            parameters.D = Required(jwk.D, "d");
            parameters.P = Required(jwk.P, "p");
            parameters.Q = Required(jwk.Q, "q");
            parameters.DP = Required(jwk.DP, "dp");
            parameters.DQ = Required(jwk.DQ, "dq");
            parameters.InverseQ = Required(jwk.QI, "qi");

            // The platform needs D at the modulus length and the CRT values at half of it.
            var size = parameters.Modulus.Length;
            parameters.D = LeftPad(parameters.D, size);
            parameters.P = LeftPad(parameters.P, (size + 1) / 2);
            parameters.Q = LeftPad(parameters.Q, (size + 1) / 2);
            parameters.DP = LeftPad(parameters.DP, (size + 1) / 2);
            parameters.DQ = LeftPad(parameters.DQ, (size + 1) / 2);
            parameters.InverseQ = LeftPad(parameters.InverseQ, (size + 1) / 2);
        }

        return parameters;
    }

    private static ECParameters ReadEc(JsonWebKey jwk, JwtAlgorithm algorithm)
    {
        if (algorithm.GetKeyType() != SigningKeyType.EllipticCurve)
        {
            throw new InvalidSigningKeyException($"An EC key can only be bound to ES256, ES384 or ES512, not {algorithm.GetName()} (RFC 8725 §3.1).");
        }

        if (jwk.Crv != EcdsaSigningKey.CurveName(algorithm))
        {
            throw new InvalidSigningKeyException(
                $"{algorithm.GetName()} requires curve {EcdsaSigningKey.CurveName(algorithm)}; the JWK has \"{jwk.Crv}\" (RFC 7518 §3.4).");
        }

        var parameters = new ECParameters
        {
            Curve = EcdsaSigningKey.CurveOf(algorithm),
            Q = new ECPoint { X = Required(jwk.X, "x"), Y = Required(jwk.Y, "y") },
        };
        if (!string.IsNullOrEmpty(jwk.D))
        {
            parameters.D = Required(jwk.D, "d");
        }

        return parameters;
    }

    private static RSAParameters ExportRsa(RSA rsa)
    {
        try
        {
            return rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            return rsa.ExportParameters(includePrivateParameters: false);
        }
    }

    private static ECParameters ExportEc(ECDsa ecdsa)
    {
        try
        {
            return ecdsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            return ecdsa.ExportParameters(includePrivateParameters: false);
        }
    }

    private static JsonWebKey WithKid(JsonWebKey jwk, string keyId)
    {
        var copy = new JsonWebKey(JwkWriter.Write(jwk)) { Kid = keyId };
        return copy;
    }

    private static byte[] Required(string? value, string member)
        => Base64UrlStrict.DecodeText(value)
            ?? throw new InvalidSigningKeyException($"The JWK member \"{member}\" is missing or not strict base64url.");

    private static byte[] Optional(string? value, string member)
        => string.IsNullOrEmpty(value) ? [] : Required(value, member);

    private static byte[] LeftPad(byte[] value, int size)
    {
        if (value.Length >= size)
        {
            return value;
        }

        var padded = new byte[size];
        value.CopyTo(padded, size - value.Length);
        return padded;
    }
}
