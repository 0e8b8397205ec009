namespace JwtSessions.Validation;

/// <summary>The claims the payload readers know by name; <see cref="Other"/> for any other member.</summary>
internal enum RegisteredClaim
{
    Other,
    Exp,
    Iat,
    Nbf,
    Iss,
    Aud,
    Sub,
    Jti,
    Sid,
    Scope,
    ClientId,
    Gen,
    Cnf,
}
