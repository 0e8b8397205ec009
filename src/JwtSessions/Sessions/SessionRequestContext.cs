namespace JwtSessions.Sessions;

/// <summary>
/// What the server knows of the request that signs in or refreshes: the client's network address, user agent and device
/// id (compared with the session's stored metadata) and, for sender-constrained sessions, the request's DPoP proof with
/// the method and URI it must be bound to.
/// </summary>
/// <remarks>
/// Every member is optional; a member left <see langword="null"/> is not known for this request. Values come from the
/// request as the host sees it (behind a proxy, from the forwarded headers the host trusts).
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class SessionRequestContext
{
    /// <summary>Gets an empty context: nothing is known of the request.</summary>
    public static SessionRequestContext Empty { get; } = new();

    /// <summary>Gets the client's IP address, as text (IPv4 or IPv6).</summary>
    public string? IpAddress { get; init; }

    /// <summary>Gets the request's <c>User-Agent</c> header.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Gets an application-supplied device id (for example, a mobile app's installation id).</summary>
    public string? DeviceId { get; init; }

    /// <summary>Gets the request's <c>DPoP</c> header: a proof of possession of the client's key.</summary>
    public string? DpopProof { get; init; }

    /// <summary>Gets the request's HTTP method (for example <c>POST</c>), which a DPoP proof's <c>htm</c> must equal.</summary>
    public string? HttpMethod { get; init; }

    /// <summary>Gets the request's absolute URI, which a DPoP proof's <c>htu</c> must equal (without query and fragment).</summary>
    public Uri? HttpUri { get; init; }
}
