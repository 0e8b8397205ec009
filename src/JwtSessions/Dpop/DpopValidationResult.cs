using System.Diagnostics.CodeAnalysis;
using JwtSessions.Validation;

namespace JwtSessions.Dpop;

/// <summary>The outcome of <see cref="TokenValidator.ValidateDpopRequestAsync"/>: the token's claims, or why the request was refused.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class DpopValidationResult
{
    internal DpopValidationResult(TokenValidationError error, TokenClaims? claims, DpopProofResult? proof, bool isDpop)
    {
        Error = error;
        Claims = claims;
        Proof = proof;
        IsDpop = isDpop;
    }

    /// <summary>Gets a value indicating whether the token (and, for a bound token, its proof) passed every check.</summary>
    [MemberNotNullWhen(true, nameof(Claims))]
    public bool IsValid => Error == TokenValidationError.None;

    /// <summary>Gets why the request was refused, or <see cref="TokenValidationError.None"/>.</summary>
    public TokenValidationError Error { get; }

    /// <summary>Gets the token's claims when valid.</summary>
    public TokenClaims? Claims { get; }

    /// <summary>
    /// Gets the proof's result when the proof was checked (the <c>DPoP</c> scheme with a valid token): the rule it broke, and
    /// the nonce to send in <c>DPoP-Nonce</c> when server nonces are on. <see langword="null"/> otherwise.
    /// </summary>
    public DpopProofResult? Proof { get; }

    /// <summary>Gets a value indicating whether the request used the <c>DPoP</c> authorization scheme (otherwise <c>Bearer</c> or none).</summary>
    public bool IsDpop { get; }

    /// <inheritdoc />
    public override string ToString() => IsValid ? "valid" : Error.ToCode();
}
