using JwtSessions.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Authentication;

/// <summary>
/// The context of <see cref="JwtSessionsBearerEvents.OnChallenge"/>: the 401 answer about to be written, with the RFC 6750
/// <c>error</c> and <c>error_description</c> it will carry (change them, or write the answer and call <see cref="HandleResponse"/>).
/// </summary>
/// <threadsafety>One per request; not thread-safe.</threadsafety>
public sealed class JwtSessionsChallengeContext : PropertiesContext<JwtSessionsBearerOptions>
{
    /// <summary>Initializes a new instance of the <see cref="JwtSessionsChallengeContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="properties">The challenge's properties.</param>
    /// <param name="validationError">Why the token was refused; <see langword="null"/> when the request carried none.</param>
    public JwtSessionsChallengeContext(
        HttpContext context, AuthenticationScheme scheme, JwtSessionsBearerOptions options, AuthenticationProperties? properties, TokenValidationError? validationError)
        : base(context, scheme, options, properties) => ValidationError = validationError;

    /// <summary>Gets why the token was refused; <see langword="null"/> when the request carried no token.</summary>
    public TokenValidationError? ValidationError { get; }

    /// <summary>Gets or sets the RFC 6750 <c>error</c> (<c>invalid_token</c>, <c>invalid_request</c>); <see langword="null"/> for none.</summary>
    public string? Error { get; set; }

    /// <summary>Gets or sets the <c>error_description</c>; <see langword="null"/> for none.</summary>
    public string? ErrorDescription { get; set; }

    /// <summary>Gets a value indicating whether a callback wrote the answer itself.</summary>
    public bool Handled { get; private set; }

    /// <summary>Skips the handler's answer: the callback writes its own.</summary>
    public void HandleResponse() => Handled = true;
}
