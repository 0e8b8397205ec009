namespace JwtSessions.AspNetCore.Endpoints;

/// <summary>What a sign-in (<c>SignInJwtSessionAsync</c>) grants beyond the subject, and how the tokens travel.</summary>
/// <threadsafety>One per sign-in; not thread-safe.</threadsafety>
public sealed class JwtSessionSignInOptions
{
    /// <summary>Gets the scopes of the session's access tokens.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>Gets or sets the client the session is for (<c>client_id</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the device name stored with the session; <see langword="null"/> takes the request's device-name header.</summary>
    public string? DeviceName { get; set; }

    /// <summary>Gets application-defined values stored with the session (listed with it, never used for a security decision).</summary>
    public IDictionary<string, string> Custom { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the transport; <see langword="null"/> takes the request's transport header when it names an allowed one,
    /// else <see cref="JwtSessionsEndpointOptions.DefaultTransport"/>.
    /// </summary>
    public SessionTransports? Transport { get; set; }
}
