using JwtSessions.Validation;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The failure of a refused token, as <see cref="Microsoft.AspNetCore.Authentication.AuthenticateResult.Failure"/> carries it; never thrown.</summary>
#pragma warning disable CA1064 // Exceptions should be public: never thrown, only reported through AuthenticateResult.Failure.
internal sealed class TokenRefusedException : Exception
#pragma warning restore CA1064
{
    public TokenRefusedException(TokenValidationError error)
        : base("The access token was refused: " + error.ToCode() + ".") => Error = error;

    public TokenRefusedException()
    {
    }

    public TokenRefusedException(string message)
        : base(message)
    {
    }

    public TokenRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TokenValidationError Error { get; }
}
