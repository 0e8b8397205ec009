namespace JwtSessions.Signing;

/// <summary>
/// Thrown when key material breaks a rule at construction or import: too weak, wrong curve, not for signing,
/// or not bound to exactly one algorithm. The message names the rule that was broken.
/// </summary>
public sealed class InvalidSigningKeyException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidSigningKeyException"/> class.</summary>
    public InvalidSigningKeyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSigningKeyException"/> class with a message naming the rule.</summary>
    /// <param name="message">The rule that the key breaks.</param>
    public InvalidSigningKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidSigningKeyException"/> class with a message and a cause.</summary>
    /// <param name="message">The rule that the key breaks.</param>
    /// <param name="innerException">The platform error that revealed it.</param>
    public InvalidSigningKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
