namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>The requests compared: the same <c>GET /orders</c> through each app (<see cref="RequestApps"/>).</summary>
public enum RequestCase
{
    /// <summary>The floor: an app with no authentication or authorization at all, no header.</summary>
    Anonymous,

    /// <summary>No header, to an endpoint that allows anonymous callers, through the JwtSessions app's middleware.</summary>
    AnonymousThroughAuthentication,

    /// <summary>
    /// The same authentication and authorization middleware and policy with a handler that does no token work at all
    /// (<see cref="StaticTicketHandler"/>): what ASP.NET Core itself costs an authenticated request, the floor of every handler.
    /// </summary>
    AuthenticatedFloor,

    /// <summary>The JwtSessions handler, verified-token cache off: every request checks the signature.</summary>
    JwtSessionsCold,

    /// <summary>The JwtSessions handler with the verified-token cache (the default of <c>AddJwtSessionsValidation</c>).</summary>
    JwtSessionsCached,

    /// <summary>ASP.NET Core's JwtBearer handler, same token and key.</summary>
    JwtBearer,
}
