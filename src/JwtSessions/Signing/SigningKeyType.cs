namespace JwtSessions.Signing;

/// <summary>The kind of key material behind a <see cref="SigningKey"/> (the JWK <c>kty</c>).</summary>
public enum SigningKeyType
{
    /// <summary>A shared secret for HMAC (<c>kty</c> <c>oct</c>).</summary>
    Symmetric = 1,

    /// <summary>An RSA key (<c>kty</c> <c>RSA</c>).</summary>
    Rsa,

    /// <summary>An elliptic-curve key on a NIST curve (<c>kty</c> <c>EC</c>).</summary>
    EllipticCurve,

    /// <summary>An Ed25519 key (<c>kty</c> <c>OKP</c>, RFC 8037).</summary>
    OctetKeyPair,
}
