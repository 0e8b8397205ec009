namespace JwtSessions.AspNetCore.Authentication;

/// <summary>
/// The claim types the bearer handler puts on the <see cref="System.Security.Claims.ClaimsPrincipal"/>: the JWT claim names
/// themselves (RFC 7519 §4.1, RFC 8693 §4.2/§4.3), never the long WS-* URIs, so <c>User.FindFirst("sub")</c> reads what the
/// token says.
/// </summary>
/// <threadsafety>Constants only.</threadsafety>
public static class JwtSessionsClaimTypes
{
    /// <summary><c>sub</c>: the subject (user id); also the identity's name claim type.</summary>
    public const string Subject = "sub";

    /// <summary><c>sid</c>: the session id.</summary>
    public const string SessionId = "sid";

    /// <summary><c>jti</c>: the token id.</summary>
    public const string TokenId = "jti";

    /// <summary><c>client_id</c>: the client the session was started for.</summary>
    public const string ClientId = "client_id";

    /// <summary><c>scope</c>: one claim per scope name of the token's space-separated <c>scope</c>.</summary>
    public const string Scope = "scope";

    /// <summary><c>role</c>: the identity's role claim type (the handler adds none by itself; see <see cref="JwtSessionsBearerOptions.CustomClaims"/>).</summary>
    public const string Role = "role";
}
