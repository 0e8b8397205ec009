using JwtSessions.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Authentication;

/// <summary>The context of <see cref="JwtSessionsBearerEvents.OnTokenValidated"/>: the token passed every check.</summary>
/// <threadsafety>One per request; not thread-safe.</threadsafety>
public sealed class JwtSessionsTokenValidatedContext : ResultContext<JwtSessionsBearerOptions>
{
    /// <summary>Initializes a new instance of the <see cref="JwtSessionsTokenValidatedContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="claims">The token's claims.</param>
    public JwtSessionsTokenValidatedContext(HttpContext context, AuthenticationScheme scheme, JwtSessionsBearerOptions options, TokenClaims claims)
        : base(context, scheme, options)
    {
        ArgumentNullException.ThrowIfNull(claims);
        Claims = claims;
    }

    /// <summary>Gets the validated token's claims (every member of its payload, through <see cref="TokenClaims.TryGetClaim"/>).</summary>
    public TokenClaims Claims { get; }
}
