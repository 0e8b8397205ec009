namespace JwtSessions.Dpop;

/// <summary>
/// A sign-in was refused for its DPoP proof: the proof is missing where the policy requires one, or it broke a rule of
/// RFC 9449. Answer 400 with the RFC 9449 error (<see cref="DpopProofErrors.ToRfcError"/>) and, when <see cref="Nonce"/> is
/// set, a <c>DPoP-Nonce</c> header. Nothing was stored.
/// </summary>
public sealed class InvalidDpopProofException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="InvalidDpopProofException"/> class.</summary>
    public InvalidDpopProofException()
        : this(DpopProofError.Missing, nonce: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDpopProofException"/> class.</summary>
    /// <param name="message">The message.</param>
    public InvalidDpopProofException(string message)
        : base(message)
    {
        Error = DpopProofError.Missing;
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDpopProofException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidDpopProofException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = DpopProofError.Missing;
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDpopProofException"/> class for a proof's error.</summary>
    /// <param name="error">Why the proof was refused.</param>
    /// <param name="nonce">A fresh server nonce to send in <c>DPoP-Nonce</c>, when server nonces are on.</param>
    public InvalidDpopProofException(DpopProofError error, string? nonce)
        : base($"The sign-in's DPoP proof was refused: {error.ToCode()}.")
    {
        Error = error;
        Nonce = nonce;
    }

    /// <summary>Gets why the proof was refused.</summary>
    public DpopProofError Error { get; }

    /// <summary>Gets the RFC 9449 error to answer with: <c>invalid_dpop_proof</c> or <c>use_dpop_nonce</c>.</summary>
    public string RfcError => Error.ToRfcError() ?? DpopProofErrors.InvalidDpopProof;

    /// <summary>Gets a fresh server nonce for the <c>DPoP-Nonce</c> response header, or <see langword="null"/>.</summary>
    public string? Nonce { get; }
}
