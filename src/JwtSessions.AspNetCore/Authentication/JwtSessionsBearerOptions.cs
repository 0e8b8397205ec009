using Microsoft.AspNetCore.Authentication;

namespace JwtSessions.AspNetCore.Authentication;

/// <summary>Options of the JwtSessions bearer authentication handler (<c>AddJwtSessionsBearer</c>).</summary>
/// <remarks>
/// The token rules (keys, issuer, audience, lifetimes, revocation) are not here: the handler validates with the
/// <see cref="Validation.TokenValidator"/> that <c>AddJwtSessions</c> or <c>AddJwtSessionsValidation</c> registered, so one
/// configuration serves the handler, the endpoints and any code that validates by hand. Where the access token may come from
/// a cookie, and the anti-CSRF rules for such requests, are in <see cref="Endpoints.JwtSessionsEndpointOptions"/>.
/// </remarks>
/// <threadsafety>Configured at start-up, read-only afterwards.</threadsafety>
public sealed class JwtSessionsBearerOptions : AuthenticationSchemeOptions
{
    /// <summary>Initializes a new instance of the <see cref="JwtSessionsBearerOptions"/> class.</summary>
    public JwtSessionsBearerOptions() => base.Events = new JwtSessionsBearerEvents();

    /// <summary>Gets or sets the callbacks the handler raises.</summary>
    /// <value>The default value is an instance whose callbacks do nothing.</value>
    public new JwtSessionsBearerEvents Events
    {
        get => (JwtSessionsBearerEvents)base.Events!;
        set => base.Events = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Gets or sets the <c>realm</c> of the <c>WWW-Authenticate</c> challenge (RFC 6750 §3).</summary>
    /// <value>The default value is <see langword="null"/>: no realm.</value>
    public string? Realm { get; set; }

    /// <summary>
    /// Gets the names of further payload members copied to the principal as claims of the same type (for example
    /// <c>role</c> or <c>tenant</c>): a string as one claim, a number or boolean as its JSON text, an array as one claim per
    /// string, number or boolean element. Objects and nulls are skipped.
    /// </summary>
    /// <value>The default value is empty: only <c>sub</c>, <c>sid</c>, <c>jti</c>, <c>client_id</c> and the scopes.</value>
    /// <remarks>An allow-list on purpose: a token's other members never reach authorization code unless named here.</remarks>
    public IList<string> CustomClaims { get; } = [];

    /// <summary>
    /// Gets or sets whether the challenge carries <c>error_description</c> (one stable sentence per
    /// <see cref="Validation.TokenValidationError"/>; see docs/aspnetcore.md).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeErrorDescription { get; set; } = true;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        for (var i = 0; i < CustomClaims.Count; i++)
        {
            var name = CustomClaims[i];
            if (string.IsNullOrEmpty(name))
            {
                throw new InvalidOperationException($"JwtSessionsBearerOptions.CustomClaims[{i}]: a claim name must not be empty.");
            }

            // ClaimsIdentity matches claim types ignoring case: a payload member named "Scope" or "SID" would otherwise
            // add a claim that RequireScope, logout and the sessions list read as the handler's own.
            foreach (var reserved in (ReadOnlySpan<string>)[JwtSessionsClaimTypes.Subject, JwtSessionsClaimTypes.SessionId, JwtSessionsClaimTypes.TokenId, JwtSessionsClaimTypes.ClientId, JwtSessionsClaimTypes.Scope])
            {
                if (string.Equals(name, reserved, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(
                        $"JwtSessionsBearerOptions.CustomClaims[{i}]: '{name}' names a claim the handler builds itself ('{reserved}'); claim types match ignoring case.");
                }
            }
        }
    }
}
