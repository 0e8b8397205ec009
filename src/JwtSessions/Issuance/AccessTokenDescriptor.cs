namespace JwtSessions.Issuance;

/// <summary>What to put into one access token. <c>iss</c>, <c>aud</c>, <c>exp</c>, <c>iat</c>, <c>nbf</c> and <c>jti</c> are always set by the issuer.</summary>
/// <threadsafety>Not thread-safe; fill in, then pass to <see cref="TokenIssuer.Issue"/>.</threadsafety>
public sealed class AccessTokenDescriptor
{
    /// <summary>Gets or sets the subject (<c>sub</c>), usually the user id. Required.</summary>
    public required string Subject { get; set; }

    /// <summary>Gets or sets the session id (<c>sid</c>); session managers set it, plain tokens may leave it out.</summary>
    public string? SessionId { get; set; }

    /// <summary>Gets or sets the lifetime; <see langword="null"/> for the issuer's default. It can never be unbounded.</summary>
    public TimeSpan? Lifetime { get; set; }

    /// <summary>Gets the scope names, written space-separated as <c>scope</c> (RFC 9068 §2.2.3).</summary>
    public IList<string> Scopes { get; } = new List<string>();

    /// <summary>Gets or sets <c>client_id</c> (RFC 9068 §2.2).</summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Gets or sets the RFC 7638 thumbprint of the client's DPoP key (<see cref="Dpop.DpopProofResult.Thumbprint"/>), written as
    /// <c>cnf.jkt</c> (RFC 9449 §6.1): the token is then accepted only with a proof from that key, never as a plain bearer token.
    /// </summary>
    public string? KeyThumbprint { get; set; }

    /// <summary>
    /// Gets custom claims: strings, numbers, booleans, and arrays of these. Registered names (<c>iss</c>, <c>sub</c>, <c>aud</c>,
    /// <c>exp</c>, <c>nbf</c>, <c>iat</c>, <c>jti</c>, <c>sid</c>, <c>scope</c>, <c>client_id</c>, <c>gen</c>, <c>cnf</c>) are reserved.
    /// </summary>
    public IDictionary<string, object> Claims { get; } = new Dictionary<string, object>(StringComparer.Ordinal);
}
