namespace JwtSessions.Dpop;

/// <summary>
/// Why a DPoP proof (RFC 9449) was rejected. The names and numbers are public and stable; docs/dpop.md lists each with the
/// RFC 9449 error it is answered with (<see cref="DpopProofErrors.ToRfcError"/>).
/// </summary>
public enum DpopProofError
{
    /// <summary>No error: the proof is valid.</summary>
    None = 0,

    /// <summary>The request carries no <c>DPoP</c> header (or an empty one).</summary>
    Missing = 1,

    /// <summary>The proof is longer than <see cref="DpopProofValidatorOptions.MaxProofSize"/>; nothing else was looked at.</summary>
    TooLarge = 2,

    /// <summary>Not a compact JWS of three strict base64url segments holding strict UTF-8 JSON objects (duplicate names included).</summary>
    Malformed = 3,

    /// <summary>The header uses a member a proof never has: <c>crit</c>, <c>b64</c>, <c>zip</c>, <c>jku</c>, <c>x5u</c>, <c>x5c</c> or a JWE member.</summary>
    UnsupportedHeader = 4,

    /// <summary>The <c>typ</c> header is missing or not <c>dpop+jwt</c> (RFC 9449 §4.2).</summary>
    WrongType = 5,

    /// <summary>The <c>alg</c> header is missing, <c>none</c>, symmetric, unknown or not in <see cref="DpopProofValidatorOptions.AllowedAlgorithms"/>.</summary>
    UnsupportedAlgorithm = 6,

    /// <summary>The <c>jwk</c> header is missing, not a public key the library accepts, or does not fit <c>alg</c>.</summary>
    InvalidKey = 7,

    /// <summary>The <c>jwk</c> header holds private key material (<c>d</c>, <c>p</c>, <c>q</c>, <c>dp</c>, <c>dq</c>, <c>qi</c>, <c>oth</c> or <c>k</c>).</summary>
    PrivateKey = 8,

    /// <summary>The signature has the wrong length or does not verify under the <c>jwk</c> header.</summary>
    BadSignature = 9,

    /// <summary>A required claim is absent: <c>jti</c>, <c>htm</c>, <c>htu</c> or <c>iat</c>.</summary>
    MissingClaim = 10,

    /// <summary>A claim has the wrong JSON type or is out of range (an empty <c>jti</c>, <c>iat</c> as a string).</summary>
    InvalidClaim = 11,

    /// <summary><c>htm</c> is not the request's method.</summary>
    MethodMismatch = 12,

    /// <summary><c>htu</c> is not the request's URI, compared without query and fragment (RFC 9449 §4.3).</summary>
    UriMismatch = 13,

    /// <summary><c>iat</c> lies in the future beyond <see cref="DpopProofValidatorOptions.ClockSkew"/>.</summary>
    IssuedInFuture = 14,

    /// <summary><c>iat</c> is older than <see cref="DpopProofValidatorOptions.IatWindow"/>.</summary>
    TooOld = 15,

    /// <summary>A proof with this <c>jti</c> from this key was already accepted within the window, or the replay cache could not record it.</summary>
    Replayed = 16,

    /// <summary>An access token was presented and the proof has no <c>ath</c> claim.</summary>
    MissingAccessTokenHash = 17,

    /// <summary><c>ath</c> is not the base64url SHA-256 hash of the presented access token.</summary>
    AccessTokenHashMismatch = 18,

    /// <summary>Server nonces are on and the proof has no <c>nonce</c> claim; answered with <c>use_dpop_nonce</c> and a fresh nonce.</summary>
    NonceRequired = 19,

    /// <summary>The proof's <c>nonce</c> was not made by this server or has expired; answered with <c>use_dpop_nonce</c> and a fresh nonce.</summary>
    InvalidNonce = 20,

    /// <summary>The proof's key is not the key the token or session is bound to.</summary>
    KeyMismatch = 21,
}
