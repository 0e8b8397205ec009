namespace JwtSessions.Validation;

/// <summary>What a validator does while its revocation feed is unavailable (<see cref="Revocation.RevocationList.IsAvailable"/> is false).</summary>
public enum RevocationFailureMode
{
    /// <summary>
    /// Keep validating from local state: revocations already received are still enforced, newer ones are not seen until the
    /// feed is back. Access tokens are short-lived, so the exposure is bounded by their lifetime. The default.
    /// </summary>
    UseLocalState = 0,

    /// <summary>Reject every token with <see cref="TokenValidationError.RevocationUnavailable"/> until the feed is back.</summary>
    Reject = 1,
}
