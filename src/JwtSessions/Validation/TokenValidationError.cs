namespace JwtSessions.Validation;

/// <summary>
/// Why a token was rejected. The names and numbers are public and stable; docs/error-codes.md lists each with its cause.
/// </summary>
/// <remarks>The command-line tool prints these as snake_case (<see cref="TokenValidationErrors.ToCode"/>).</remarks>
public enum TokenValidationError
{
    /// <summary>No error: the token is valid.</summary>
    None = 0,

    /// <summary>The result was never produced by a validator (a <see langword="default"/> result). Reads as invalid.</summary>
    NotValidated = 1,

    /// <summary>The Authorization header is not <c>Bearer</c> followed by exactly one space and a token (RFC 6750 §2.1).</summary>
    InvalidAuthorizationHeader = 2,

    /// <summary>The header or token exceeds the configured size cap; nothing else was looked at.</summary>
    TooLarge = 3,

    /// <summary>Not a compact JWS of three strict base64url segments holding strict UTF-8 JSON objects.</summary>
    Malformed = 4,

    /// <summary>The <c>alg</c> header is missing, not allowed, unknown, or <c>none</c>.</summary>
    UnsupportedAlgorithm = 5,

    /// <summary>The header uses a member this validator never accepts: <c>crit</c>, <c>b64</c>, <c>zip</c>, <c>jku</c>, <c>jwk</c>, <c>x5u</c>, <c>x5c</c> or a JWE member.</summary>
    UnsupportedHeader = 6,

    /// <summary>The <c>typ</c> header is missing or not one of the accepted types (RFC 8725 §3.11).</summary>
    WrongType = 7,

    /// <summary>The <c>kid</c> names no key of the ring, or no <c>kid</c> is given and no single key fits the algorithm.</summary>
    UnknownKey = 8,

    /// <summary>The token's <c>alg</c> differs from the algorithm its key is bound to (RFC 8725 §3.1).</summary>
    AlgorithmMismatch = 9,

    /// <summary>The signature has the wrong length or does not verify.</summary>
    BadSignature = 10,

    /// <summary>A required claim is absent (<c>exp</c>, <c>iat</c>, <c>iss</c>, <c>aud</c>, <c>sub</c>, <c>jti</c>, or a kind-specific one).</summary>
    MissingClaim = 11,

    /// <summary>A registered claim has the wrong JSON type or is out of range (for example <c>exp</c> as a string or 1e309).</summary>
    InvalidClaim = 12,

    /// <summary>The current time is at or past <c>exp</c> plus the clock skew.</summary>
    Expired = 13,

    /// <summary>The current time plus the clock skew is before <c>nbf</c>.</summary>
    NotYetValid = 14,

    /// <summary><c>iat</c> lies in the future beyond the clock skew.</summary>
    IssuedInFuture = 15,

    /// <summary>The token is older than the configured maximum age, counted from <c>iat</c>.</summary>
    TooOld = 16,

    /// <summary><c>iss</c> is not the configured issuer (exact, case-sensitive match).</summary>
    WrongIssuer = 17,

    /// <summary><c>aud</c> contains none of the configured audiences.</summary>
    WrongAudience = 18,

    /// <summary>The token's session has been revoked (logout, "log out everywhere" or theft detection).</summary>
    Revoked = 19,

    /// <summary>The revocation feed is unavailable and the validator is configured to fail closed in that case.</summary>
    RevocationUnavailable = 20,

    /// <summary>
    /// The token is DPoP-bound (it has a <c>cnf</c> claim, RFC 9449 §6) and was presented without a valid proof of its key: as a
    /// <c>Bearer</c> token, as a bare token, or with the <c>DPoP</c> scheme but no <c>DPoP</c> header.
    /// </summary>
    DpopProofRequired = 21,

    /// <summary>The request's DPoP proof failed validation; <see cref="Dpop.DpopValidationResult.Proof"/> says which rule it broke.</summary>
    InvalidDpopProof = 22,

    /// <summary>
    /// The DPoP proof is valid but signed by another key than the one the token's <c>cnf.jkt</c> names, or a token presented
    /// with the <c>DPoP</c> scheme is not bound to a key at all.
    /// </summary>
    DpopKeyMismatch = 23,

    /// <summary>The server requires a DPoP nonce and the proof has none, or a stale or foreign one (RFC 9449 §8: <c>use_dpop_nonce</c>).</summary>
    DpopNonceRequired = 24,
}
