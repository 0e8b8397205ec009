namespace JwtSessions.AspNetCore.Endpoints;

/// <summary>How tokens travel between the server and a client (docs/aspnetcore.md, "Transports").</summary>
[Flags]
public enum SessionTransports
{
    /// <summary>No transport (not a valid configuration).</summary>
    None = 0,

    /// <summary>
    /// Header mode, for mobile and other non-browser clients: tokens in the JSON body of the answer; the client sends the
    /// access token as <c>Authorization: Bearer</c> and the refresh token back in the JSON body of the refresh request.
    /// </summary>
    Header = 1,

    /// <summary>
    /// Cookie mode, for browsers: the refresh token in an HttpOnly <c>__Host-</c> cookie the page's script cannot read; the
    /// access token in the JSON body (kept in the page's memory) or in its own HttpOnly cookie; every state-changing request
    /// carries the anti-CSRF token and must not be cross-site.
    /// </summary>
    Cookie = 2,
}
