using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Authentication;

/// <summary>
/// The context of <see cref="JwtSessionsBearerEvents.OnForbidden"/>: the 403 answer about to be written; when a scope
/// requirement failed, <see cref="RequiredScopes"/> names the scopes and the answer carries RFC 6750
/// <c>error="insufficient_scope"</c>.
/// </summary>
/// <threadsafety>One per request; not thread-safe.</threadsafety>
public sealed class JwtSessionsForbiddenContext : PropertiesContext<JwtSessionsBearerOptions>
{
    /// <summary>Initializes a new instance of the <see cref="JwtSessionsForbiddenContext"/> class.</summary>
    /// <param name="context">The request.</param>
    /// <param name="scheme">The scheme.</param>
    /// <param name="options">The scheme's options.</param>
    /// <param name="properties">The properties.</param>
    /// <param name="requiredScopes">The scopes a failed scope requirement asked for; empty when none failed.</param>
    public JwtSessionsForbiddenContext(
        HttpContext context, AuthenticationScheme scheme, JwtSessionsBearerOptions options, AuthenticationProperties? properties, IReadOnlyList<string> requiredScopes)
        : base(context, scheme, options, properties)
    {
        ArgumentNullException.ThrowIfNull(requiredScopes);
        RequiredScopes = requiredScopes;
    }

    /// <summary>Gets the scopes a failed scope requirement asked for; empty when the refusal was not about scopes.</summary>
    public IReadOnlyList<string> RequiredScopes { get; }

    /// <summary>Gets a value indicating whether a callback wrote the answer itself.</summary>
    public bool Handled { get; private set; }

    /// <summary>Skips the handler's answer: the callback writes its own.</summary>
    public void HandleResponse() => Handled = true;
}
