using System.Runtime.InteropServices;
using System.Security.Cryptography;
using JwtSessions.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// The cookie transport's defences against cross-site request forgery (docs/aspnetcore.md, "CSRF"): a request that acts on
/// cookies must not come from another site (<c>Origin</c>, <c>Sec-Fetch-Site</c>) and, when it changes state, must echo the
/// anti-CSRF cookie in a header (double submit on a <c>__Host-</c> cookie, compared in constant time).
/// </summary>
internal static class CrossSiteGuard
{
    public const string SecFetchSite = "Sec-Fetch-Site";

    /// <summary>RFC 9110 §9.2.1: GET, HEAD, OPTIONS and TRACE are safe; every other method may change state.</summary>
    public static bool IsStateChanging(string method)
        => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    /// <summary>
    /// Whether the request is same-origin or from an allowed origin: an <c>Origin</c> header must name this server or one of
    /// <see cref="JwtSessionsEndpointOptions.AllowedOrigins"/> (<c>null</c> never passes); without one, a browser's
    /// <c>Sec-Fetch-Site</c> must be <c>same-origin</c> or <c>none</c>. A request with neither is not from a browser that
    /// could be tricked into sending it, and still needs the anti-CSRF token to change anything.
    /// </summary>
    public static bool IsSameOriginOrAllowed(HttpRequest request, JwtSessionsEndpointOptions options)
    {
        var headers = request.Headers;
        var origin = headers.Origin;
        if (origin.Count > 1)
        {
            return false;
        }

        if (origin.Count == 1)
        {
            var value = origin[0];
            return value is not null && (IsOwnOrigin(value, request) || IsAllowed(value, options.AllowedOrigins));
        }

        var site = headers[SecFetchSite];
        if (site.Count == 0)
        {
            return true;
        }

        return site.Count == 1 && site[0] is "same-origin" or "none";
    }

    /// <summary>Whether the anti-CSRF header equals the anti-CSRF cookie (both present, compared in constant time).</summary>
    public static bool HasCsrfToken(HttpRequest request, JwtSessionsCookieOptions cookies)
    {
        var header = request.Headers[cookies.CsrfHeaderName];
        if (header.Count != 1 || string.IsNullOrEmpty(header[0]))
        {
            return false;
        }

        var cookie = request.Cookies[cookies.CsrfTokenName];
        if (string.IsNullOrEmpty(cookie))
        {
            return false;
        }

        var expected = MemoryMarshal.AsBytes(cookie.AsSpan());
        var actual = MemoryMarshal.AsBytes(header[0].AsSpan());
        return expected.Length == actual.Length && CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    private static bool IsOwnOrigin(string origin, HttpRequest request)
    {
        // scheme "://" host[:port], compared without building the string.
        var span = origin.AsSpan();
        var scheme = request.Scheme;
        var host = request.Host.Value;
        return host is not null
            && span.Length == scheme.Length + 3 + host.Length
            && span.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            && span.Slice(scheme.Length, 3).SequenceEqual("://")
            && span[(scheme.Length + 3)..].Equals(host, StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsAllowed(string origin, IList<string> allowed)
    {
        for (var i = 0; i < allowed.Count; i++)
        {
            if (string.Equals(allowed[i], origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
