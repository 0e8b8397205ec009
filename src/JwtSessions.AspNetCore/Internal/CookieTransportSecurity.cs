using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// Whether the cookie transport may write its cookies on this request (docs/aspnetcore.md, "HTTPS"): its <c>__Host-</c>
/// cookies are <c>Secure</c>, so a browser drops them from a plain-HTTP answer, and a client that sent the refresh cookie
/// over plain HTTP has already shown it to the network. Only HTTPS qualifies, plus a loopback connection while the host
/// runs in the Development environment (browsers count <c>http://localhost</c> as a secure context and keep
/// <c>Secure</c> cookies there).
/// </summary>
internal static class CookieTransportSecurity
{
    public static bool IsSecure(HttpContext context)
    {
        if (context.Request.IsHttps)
        {
            return true;
        }

        var remote = context.Connection.RemoteIpAddress;
        return remote is not null
            && IPAddress.IsLoopback(remote)
            && context.RequestServices.GetService<IHostEnvironment>() is { } environment
            && environment.IsDevelopment();
    }
}
