using JwtSessions.Validation;

namespace JwtSessions.Tests.Vectors;

/// <summary>What the JWS layer must do with one vector, and why when it differs from the vector's own label.</summary>
internal sealed record JwsExpectation(JwsExpectation.Outcome Kind, TokenValidationError Error = TokenValidationError.None)
{
    public enum Outcome
    {
        /// <summary>The key imports and the JWS verifies.</summary>
        Valid,

        /// <summary>The key imports and the JWS layer rejects with <see cref="Error"/>.</summary>
        Rejected,

        /// <summary>The verification key itself is refused at import (<see cref="KeyRule"/> names the rule).</summary>
        KeyRejected,

        /// <summary>
        /// Labelled invalid, but byte-identical to a valid vector (<see cref="Reason"/>): it must still be that copy, and verify.
        /// </summary>
        CopyOfValid,

        /// <summary>No expectation is recorded for this vector: the test fails until one is added.</summary>
        Unknown,
    }

    /// <summary>Gets a wildcard pattern of the <see cref="Signing.InvalidSigningKeyException"/> message for <see cref="Outcome.KeyRejected"/>.</summary>
    public string? KeyRule { get; init; }

    /// <summary>Gets the <c>alg</c> to put on the vector's key before import (README override), or <see langword="null"/>.</summary>
    public string? KeyAlgorithmOverride { get; init; }

    /// <summary>Gets why this expectation departs from the vector's label, or why the vector is skipped.</summary>
    public string? Reason { get; init; }

    public static JwsExpectation Valid() => new(Outcome.Valid);

    public static JwsExpectation Rejected(TokenValidationError error) => new(Outcome.Rejected, error);
}
