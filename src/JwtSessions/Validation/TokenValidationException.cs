namespace JwtSessions.Validation;

/// <summary>Thrown by <see cref="JwtValidationResult.ThrowIfInvalid"/>; the validator itself never throws for a bad token.</summary>
public sealed class TokenValidationException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TokenValidationException"/> class.</summary>
    public TokenValidationException()
        : this(TokenValidationError.NotValidated)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenValidationException"/> class for an error.</summary>
    /// <param name="error">Why the token was rejected.</param>
    public TokenValidationException(TokenValidationError error)
        : base($"The token is invalid: {error.ToCode()}.")
    {
        Error = error;
    }

    /// <summary>Initializes a new instance of the <see cref="TokenValidationException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public TokenValidationException(string message)
        : base(message)
    {
        Error = TokenValidationError.NotValidated;
    }

    /// <summary>Initializes a new instance of the <see cref="TokenValidationException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TokenValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = TokenValidationError.NotValidated;
    }

    /// <summary>Gets why the token was rejected.</summary>
    public TokenValidationError Error { get; }
}
