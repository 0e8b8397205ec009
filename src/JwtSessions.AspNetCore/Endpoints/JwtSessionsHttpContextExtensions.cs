using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using JwtSessions.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Http;

/// <summary>The sign-in helper: the one call an application's sign-in endpoint makes once it has checked the user.</summary>
/// <threadsafety>Per-request helpers; thread-safe.</threadsafety>
public static class JwtSessionsHttpContextExtensions
{
    /// <summary>
    /// Starts a session for <paramref name="subject"/> and answers its tokens in the transport (docs/aspnetcore.md,
    /// "Sign-in"): the session's metadata comes from the request (User-Agent, remote IP address, the device-name header),
    /// a cookie-mode sign-in from another site is refused (login CSRF), the sign-in rate limit applies when the endpoint
    /// has no <c>RequireSignInRateLimit</c> of its own, and a store outage answers 503 with <c>Retry-After</c>.
    /// </summary>
    /// <param name="context">The sign-in request.</param>
    /// <param name="subject">The user's stable id (never an e-mail address or a name that can change).</param>
    /// <param name="options">Scopes, client id, device name, custom metadata and transport; optional.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns>The answer to return from the endpoint: 200 with the tokens, or a ProblemDetails.</returns>
    /// <exception cref="InvalidOperationException"><c>AddJwtSessions</c> or <c>AddJwtSessionsEndpoints</c> was not called.</exception>
    /// <example><code>
    /// app.MapPost("/sign-in", async (HttpContext http, Credentials body) =>
    ///     await users.CheckAsync(body) is { } user ? await http.SignInJwtSessionAsync(user.Id) : Results.Unauthorized())
    ///    .RequireSignInRateLimit();
    /// </code></example>
    public static async Task<IResult> SignInJwtSessionAsync(
        this HttpContext context, string subject, JwtSessionSignInOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var services = context.RequestServices;
        var endpointOptions = services.GetRequiredService<IOptions<JwtSessionsEndpointOptions>>().Value;
        var limiters = services.GetService<SessionRateLimiters>()
            ?? throw new InvalidOperationException("SignInJwtSessionAsync needs its services: call builder.Services.AddJwtSessionsEndpoints(...).");

        if (!SignInRateLimit.WasApplied(context) && limiters.AcquireSignIn(context) is { } wait)
        {
            return Problems.RateLimited(context, wait);
        }

        var transport = options?.Transport ?? RequestedTransport(context, endpointOptions);
        if (transport is null || transport.Value is not (SessionTransports.Header or SessionTransports.Cookie)
            || (endpointOptions.Transports & transport.Value) == 0)
        {
            return Problems.BadRequest($"This server accepts the transports: {endpointOptions.Transports}.");
        }

        if (transport == SessionTransports.Cookie)
        {
            // Secure cookies on a plain-HTTP answer would be dropped by the browser: refuse before the session is started.
            if (!CookieTransportSecurity.IsSecure(context))
            {
                return Problems.HttpsRequired();
            }

            // Login CSRF: another site must not sign the browser into an account of its choosing.
            if (!CrossSiteGuard.IsSameOriginOrAllowed(context.Request, endpointOptions))
            {
                return Problems.CrossSiteRequest();
            }
        }

        var manager = services.GetRequiredService<SessionManager>();
        var start = new SessionStartOptions
        {
            Metadata = RequestMetadata.ForSignIn(context, endpointOptions, options),
            RequestContext = RequestMetadata.ForRequest(context, endpointOptions),
            ClientId = options?.ClientId,
        };
        if (options is not null)
        {
            foreach (var scope in options.Scopes)
            {
                start.Scopes.Add(scope);
            }
        }

        SessionTokens tokens;
        try
        {
            tokens = await manager.StartSessionAsync(subject, start, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionStoreUnavailableException)
        {
            return Problems.StoreUnavailable(context, endpointOptions.StoreRetryAfter);
        }
        catch (JwtSessions.Dpop.InvalidDpopProofException refusal)
        {
            return DpopRequest.Refused(context, refusal);
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return TokenTransport.Write(context, tokens, transport.Value, endpointOptions, manager.Policy, now, signIn: true);
    }

    // The client asks with the transport header ("header" or "cookie"); an unknown value is a bad request, not a silent
    // fallback.
    private static SessionTransports? RequestedTransport(HttpContext context, JwtSessionsEndpointOptions options)
    {
        var requested = context.Request.Headers[options.TransportHeaderName];
        if (requested.Count == 0)
        {
            return options.DefaultTransport;
        }

        var value = requested.Count == 1 ? requested[0] : null;
        return string.Equals(value, "header", StringComparison.OrdinalIgnoreCase) ? SessionTransports.Header
            : string.Equals(value, "cookie", StringComparison.OrdinalIgnoreCase) ? SessionTransports.Cookie
            : null;
    }
}
