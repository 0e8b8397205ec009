namespace JwtSessions.Dpop;

/// <summary>Conversions of <see cref="DpopProofError"/>.</summary>
/// <threadsafety>All members are static and thread-safe.</threadsafety>
public static class DpopProofErrors
{
    /// <summary>The RFC 9449 error for a proof that failed any check but the nonce: <c>invalid_dpop_proof</c>.</summary>
    public const string InvalidDpopProof = "invalid_dpop_proof";

    /// <summary>The RFC 9449 error that asks the client to retry with the server's nonce: <c>use_dpop_nonce</c>.</summary>
    public const string UseDpopNonce = "use_dpop_nonce";

    /// <summary>Gets the RFC 9449 error code a failure is answered with (§5, §7.1, §8, §9).</summary>
    /// <param name="error">The error.</param>
    /// <returns><see cref="UseDpopNonce"/> for the nonce errors, <see langword="null"/> for <see cref="DpopProofError.None"/>, else <see cref="InvalidDpopProof"/>.</returns>
    public static string? ToRfcError(this DpopProofError error) => error switch
    {
        DpopProofError.None => null,
        DpopProofError.NonceRequired or DpopProofError.InvalidNonce => UseDpopNonce,
        _ => InvalidDpopProof,
    };

    /// <summary>Gets the stable snake_case code of an error, for example <c>uri_mismatch</c>, safe to log.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The code.</returns>
    public static string ToCode(this DpopProofError error) => error switch
    {
        DpopProofError.None => "none",
        DpopProofError.Missing => "missing",
        DpopProofError.TooLarge => "too_large",
        DpopProofError.Malformed => "malformed",
        DpopProofError.UnsupportedHeader => "unsupported_header",
        DpopProofError.WrongType => "wrong_type",
        DpopProofError.UnsupportedAlgorithm => "unsupported_algorithm",
        DpopProofError.InvalidKey => "invalid_key",
        DpopProofError.PrivateKey => "private_key",
        DpopProofError.BadSignature => "bad_signature",
        DpopProofError.MissingClaim => "missing_claim",
        DpopProofError.InvalidClaim => "invalid_claim",
        DpopProofError.MethodMismatch => "method_mismatch",
        DpopProofError.UriMismatch => "uri_mismatch",
        DpopProofError.IssuedInFuture => "issued_in_future",
        DpopProofError.TooOld => "too_old",
        DpopProofError.Replayed => "replayed",
        DpopProofError.MissingAccessTokenHash => "missing_access_token_hash",
        DpopProofError.AccessTokenHashMismatch => "access_token_hash_mismatch",
        DpopProofError.NonceRequired => "nonce_required",
        DpopProofError.InvalidNonce => "invalid_nonce",
        DpopProofError.KeyMismatch => "key_mismatch",
        _ => "unknown",
    };
}
