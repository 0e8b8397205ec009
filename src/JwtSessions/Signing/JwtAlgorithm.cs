namespace JwtSessions.Signing;

/// <summary>
/// The JWS algorithms JwtSessions signs and verifies (RFC 7518 §3, RFC 8037 §3.1).
/// </summary>
/// <remarks>
/// There is deliberately no <c>none</c> member: an unsecured JWS can be neither minted nor accepted.
/// Every <see cref="SigningKey"/> is bound to exactly one of these values (RFC 8725 §3.1).
/// </remarks>
public enum JwtAlgorithm
{
    /// <summary>HMAC with SHA-256.</summary>
    HS256 = 1,

    /// <summary>HMAC with SHA-384.</summary>
    HS384,

    /// <summary>HMAC with SHA-512.</summary>
    HS512,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256.</summary>
    RS256,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-384.</summary>
    RS384,

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-512.</summary>
    RS512,

    /// <summary>RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt.</summary>
    PS256,

    /// <summary>RSASSA-PSS with SHA-384, MGF1 with SHA-384 and a 48-byte salt.</summary>
    PS384,

    /// <summary>RSASSA-PSS with SHA-512, MGF1 with SHA-512 and a 64-byte salt.</summary>
    PS512,

    /// <summary>ECDSA on P-256 with SHA-256.</summary>
    ES256,

    /// <summary>ECDSA on P-384 with SHA-384.</summary>
    ES384,

    /// <summary>ECDSA on P-521 with SHA-512.</summary>
    ES512,

    /// <summary>EdDSA with the Ed25519 curve (RFC 8037).</summary>
    EdDSA,
}
