namespace JwtSessions.AspNetCore.Internal;

/// <summary>The error codes of the <c>WWW-Authenticate: DPoP</c> challenge (RFC 9449 §7.1, §12.2).</summary>
internal static class DpopErrors
{
    public const string InvalidDpopProof = "invalid_dpop_proof";
    public const string UseDpopNonce = "use_dpop_nonce";
}
