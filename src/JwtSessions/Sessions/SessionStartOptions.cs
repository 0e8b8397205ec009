namespace JwtSessions.Sessions;

/// <summary>Optional data for a new session.</summary>
/// <threadsafety>Not thread-safe; fill in, then pass to the session manager.</threadsafety>
public sealed class SessionStartOptions
{
    /// <summary>Gets or sets descriptive data stored with the session for listing.</summary>
    public SessionMetadata Metadata { get; set; } = SessionMetadata.Empty;

    /// <summary>
    /// Gets or sets what the server knows of the sign-in request: its address, user agent and device id complete
    /// <see cref="Metadata"/> (values set there win) and become the baseline later refreshes are compared with
    /// (<see cref="SessionManagerOptions.ContextPolicy"/>). With a DPoP proof (<see cref="SessionRequestContext.DpopProof"/>,
    /// its <see cref="SessionRequestContext.HttpMethod"/> and <see cref="SessionRequestContext.HttpUri"/>) the session is bound
    /// to the proof's key (docs/dpop.md).
    /// </summary>
    public SessionRequestContext? RequestContext { get; set; }

    /// <summary>Gets the scopes every access token of the session carries.</summary>
    public IList<string> Scopes { get; } = new List<string>();

    /// <summary>Gets or sets the <c>client_id</c> every access token of the session carries.</summary>
    public string? ClientId { get; set; }
}
