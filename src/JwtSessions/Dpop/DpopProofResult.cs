using System.Diagnostics.CodeAnalysis;

namespace JwtSessions.Dpop;

/// <summary>The outcome of validating a DPoP proof: the key's thumbprint when valid, else the typed error.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class DpopProofResult
{
    internal DpopProofResult(DpopProofError error, string? thumbprint, string? nonce)
    {
        Error = error;
        Thumbprint = thumbprint;
        Nonce = nonce;
    }

    /// <summary>Gets a value indicating whether the proof passed every check.</summary>
    [MemberNotNullWhen(true, nameof(Thumbprint))]
    public bool IsValid => Error == DpopProofError.None;

    /// <summary>Gets why the proof was rejected, or <see cref="DpopProofError.None"/>.</summary>
    public DpopProofError Error { get; }

    /// <summary>Gets the RFC 9449 error to answer with (<c>invalid_dpop_proof</c> or <c>use_dpop_nonce</c>), or <see langword="null"/> when valid.</summary>
    public string? RfcError => Error.ToRfcError();

    /// <summary>Gets the RFC 7638 SHA-256 thumbprint of the proof's key (base64url), when valid: the value of <c>cnf.jkt</c>.</summary>
    public string? Thumbprint { get; }

    /// <summary>
    /// Gets a fresh server nonce to send in the <c>DPoP-Nonce</c> response header when server nonces are on (on success too,
    /// so the client always holds a current one); <see langword="null"/> when they are off.
    /// </summary>
    public string? Nonce { get; }

    /// <inheritdoc />
    public override string ToString() => IsValid ? "valid" : Error.ToCode();
}
