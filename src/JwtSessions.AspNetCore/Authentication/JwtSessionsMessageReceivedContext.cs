using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Authentication;

/// <summary>The context of <see cref="JwtSessionsBearerEvents.OnMessageReceived"/>.</summary>
/// <threadsafety>One per request; not thread-safe.</threadsafety>
public sealed class JwtSessionsMessageReceivedContext : ResultContext<JwtSessionsBearerOptions>
{
    /// <summary>Initializes a new instance of the <see cref="JwtSessionsMessageReceivedContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme's options.</param>
    public JwtSessionsMessageReceivedContext(HttpContext context, AuthenticationScheme scheme, JwtSessionsBearerOptions options)
        : base(context, scheme, options)
    {
    }

    /// <summary>
    /// Gets or sets a bare compact token to validate instead of reading the request; <see langword="null"/> (the default)
    /// lets the handler read the <c>Authorization</c> header (or the access-token cookie where configured).
    /// </summary>
    public string? Token { get; set; }
}
