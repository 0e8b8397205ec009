namespace JwtSessions.Dpop;

/// <summary>
/// Remembers the DPoP proofs already accepted, so a proof is used once (RFC 9449 §11.1). Shared by every server of a
/// deployment when proofs may reach several (a Redis implementation ships in JwtSessions.Redis).
/// </summary>
/// <remarks>
/// Implementations fail closed: a proof id they cannot record is reported as not added, and the proof is rejected.
/// </remarks>
public interface IDpopReplayCache
{
    /// <summary>Records a proof id unless it is already recorded, atomically.</summary>
    /// <param name="proofId">The proof's id: a fixed-length hash of its key's thumbprint and its <c>jti</c> (43 base64url characters).</param>
    /// <param name="expiresAt">When the entry may be forgotten: after it, the proof's <c>iat</c> is outside the window anyway.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when recorded now; <see langword="false"/> when already present or not recordable.</returns>
    ValueTask<bool> TryAddAsync(string proofId, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}
