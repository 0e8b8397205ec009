using JwtSessions.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Authentication;

/// <summary>The context of <see cref="JwtSessionsBearerEvents.OnAuthenticationFailed"/>: a token was refused.</summary>
/// <threadsafety>One per request; not thread-safe.</threadsafety>
public sealed class JwtSessionsAuthenticationFailedContext : ResultContext<JwtSessionsBearerOptions>
{
    /// <summary>Initializes a new instance of the <see cref="JwtSessionsAuthenticationFailedContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="error">Why the token was refused.</param>
    public JwtSessionsAuthenticationFailedContext(HttpContext context, AuthenticationScheme scheme, JwtSessionsBearerOptions options, TokenValidationError error)
        : base(context, scheme, options) => Error = error;

    /// <summary>Gets why the token was refused.</summary>
    public TokenValidationError Error { get; }
}
