namespace JwtSessions.Validation;

/// <summary>Conversions of <see cref="TokenValidationError"/>.</summary>
/// <threadsafety>All members are static and thread-safe.</threadsafety>
public static class TokenValidationErrors
{
    /// <summary>Gets the stable snake_case code of an error, for example <c>bad_signature</c> for <see cref="TokenValidationError.BadSignature"/>.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The code.</returns>
    public static string ToCode(this TokenValidationError error) => error switch
    {
        TokenValidationError.None => "none",
        TokenValidationError.NotValidated => "not_validated",
        TokenValidationError.InvalidAuthorizationHeader => "invalid_authorization_header",
        TokenValidationError.TooLarge => "too_large",
        TokenValidationError.Malformed => "malformed",
        TokenValidationError.UnsupportedAlgorithm => "unsupported_algorithm",
        TokenValidationError.UnsupportedHeader => "unsupported_header",
        TokenValidationError.WrongType => "wrong_type",
        TokenValidationError.UnknownKey => "unknown_key",
        TokenValidationError.AlgorithmMismatch => "algorithm_mismatch",
        TokenValidationError.BadSignature => "bad_signature",
        TokenValidationError.MissingClaim => "missing_claim",
        TokenValidationError.InvalidClaim => "invalid_claim",
        TokenValidationError.Expired => "expired",
        TokenValidationError.NotYetValid => "not_yet_valid",
        TokenValidationError.IssuedInFuture => "issued_in_future",
        TokenValidationError.TooOld => "too_old",
        TokenValidationError.WrongIssuer => "wrong_issuer",
        TokenValidationError.WrongAudience => "wrong_audience",
        TokenValidationError.Revoked => "revoked",
        TokenValidationError.RevocationUnavailable => "revocation_unavailable",
        TokenValidationError.DpopProofRequired => "dpop_proof_required",
        TokenValidationError.InvalidDpopProof => "invalid_dpop_proof",
        TokenValidationError.DpopKeyMismatch => "dpop_key_mismatch",
        TokenValidationError.DpopNonceRequired => "dpop_nonce_required",
        _ => "unknown",
    };
}
