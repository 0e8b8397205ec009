using System.Security.Claims;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Signing;

namespace MobileBackend;

/// <summary>
/// The sample's composition: JwtSessions on the in-memory session store, or on Redis when <c>ConnectionStrings:Redis</c> is
/// set; the bearer handler; a sign-in endpoint for one demo user; a protected and two scope-protected endpoints; the session
/// endpoints under <c>/auth</c>; and a static page that uses the cookie transport. With <c>Dpop:Enabled</c>, DPoP (RFC 9449):
/// a sign-in with a <c>DPoP</c> proof binds the session to the client's key. <c>Program.cs</c> runs it; the sample's tests
/// start the same composition on a port of their own.
/// </summary>
internal static class MobileBackendApp
{
    /// <summary>The scope the demo user is granted, which <c>GET /api/orders</c> requires.</summary>
    public const string ReadOrders = "orders:read";

    /// <summary>The scope <c>POST /api/orders</c> requires, which the demo user lacks: it shows the 403 answer.</summary>
    public const string WriteOrders = "orders:write";

    /// <summary>Builds the app.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="configure">
    /// Runs on the builder before the sample registers anything, so services registered here (a <see cref="TimeProvider"/>,
    /// for example) take precedence over the defaults the registrations would add.
    /// </param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;

        // Sessions: Redis for several instances, else in memory (one process; sessions end with it).
        var redis = configuration.GetConnectionString("Redis");
        if (!string.IsNullOrWhiteSpace(redis))
        {
            services.AddRedisSessionStore(redis);
        }

        services.AddJwtSessions(configuration.GetSection("JwtSessions"), options =>
        {
            // Keys from configuration (JwtSessions:AccessTokenKeys and RefreshTokenKeys: a JWK or JWK set, inline or in a
            // file), else ES256 and HS256 keys made at start-up: fine for one process, but tokens die with it, and a second
            // instance on the same Redis would reject this one's tokens. README.md shows how to make keys with the CLI.
            options.AccessTokenKeys ??= KeyRing.Create(SigningKey.Generate(JwtAlgorithm.ES256, keyId: "sample-" + Guid.NewGuid().ToString("N")[..8]));
            options.RefreshTokenKeys ??= KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, keyId: "sample-refresh"));
        });
        // DPoP (docs/dpop.md): a sign-in that sends a proof binds its session to the app's key; its access tokens then go as
        // "Authorization: DPoP" with a proof per request, and its refreshes need a proof of the same key. A sign-in without a
        // proof (the page) stays a bearer session. With Redis, the proofs' replay cache is shared by every instance.
        var dpop = configuration.GetValue<bool>("Dpop:Enabled");
        if (dpop)
        {
            services.AddJwtSessionsDpop();
            if (!string.IsNullOrWhiteSpace(redis))
            {
                services.AddRedisDpopReplayCache();
            }
        }

        services.AddJwtSessionsEndpoints(options =>
        {
            // Both transports: header mode (the default) for the mobile app, cookie mode for the page (it asks for it with
            // the X-Session-Transport: cookie header). The access token stays in the page's memory (the default).
            options.Transports = SessionTransports.Header | SessionTransports.Cookie;
            options.DefaultTransport = SessionTransports.Header;
        });
        services.AddAuthentication(JwtSessionsBearerDefaults.AuthenticationScheme).AddJwtSessionsBearer();
        services.AddAuthorization();
        services.AddProblemDetails();

        var demo = configuration.GetSection("Demo");
        services.AddSingleton(new DemoUserStore(
            new DemoUser(demo["UserName"] ?? "demo", "user-0001", [ReadOrders]),
            demo["Password"] ?? throw new InvalidOperationException("Demo:Password: the demo user's password is required (appsettings.json).")));

        var app = builder.Build();
        SampleLog.SessionStore(app.Logger, string.IsNullOrWhiteSpace(redis) ? "in memory (set ConnectionStrings:Redis to keep them in Redis)" : "in Redis");
        SampleLog.Dpop(app.Logger, dpop ? "on: a sign-in with a DPoP proof binds its session" : "off (set Dpop:Enabled to bind sessions to a client key)");
        foreach (var keys in (ReadOnlySpan<string>)["AccessTokenKeys", "RefreshTokenKeys"])
        {
            if (!configuration.GetSection("JwtSessions:" + keys).Exists())
            {
                SampleLog.EphemeralKeys(app.Logger, "JwtSessions:" + keys);
            }
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(SecurityHeaders);
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapPost("/signin", SignInAsync).RequireSignInRateLimit();
        app.MapGet("/api/me", Me).RequireAuthorization();
        app.MapGet("/api/orders", Orders).RequireScope(ReadOrders);
        app.MapPost("/api/orders", CreateOrder).RequireScope(WriteOrders);
        app.MapJwtSessions("/auth");
        return app;
    }

    // The app's own sign-in: check the password, then one call starts the session and writes the tokens in the transport
    // the client asked for (the body for header mode; the cookies and the body's access token for cookie mode).
    private static async Task<IResult> SignInAsync(HttpContext context, SignInRequest request, DemoUserStore users)
    {
        if (users.Authenticate(request.UserName, request.Password) is not { } user)
        {
            // One answer for an unknown user and a wrong password: it tells an attacker nothing about which names exist.
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown user or wrong password.");
        }

        var options = new JwtSessionSignInOptions { ClientId = "mobile-backend-sample" };
        foreach (var scope in user.Scopes)
        {
            options.Scopes.Add(scope);
        }

        return await context.SignInJwtSessionAsync(user.Subject, options, context.RequestAborted);
    }

    private static IResult Me(ClaimsPrincipal user) => Results.Ok(new
    {
        subject = user.FindFirstValue(JwtSessionsClaimTypes.Subject),
        session = user.FindFirstValue(JwtSessionsClaimTypes.SessionId),
        client = user.FindFirstValue(JwtSessionsClaimTypes.ClientId),
        scopes = user.FindAll(JwtSessionsClaimTypes.Scope).Select(static c => c.Value).ToArray(),
    });

    private static IResult Orders(ClaimsPrincipal user) => Results.Ok(new
    {
        owner = user.FindFirstValue(JwtSessionsClaimTypes.Subject),
        orders = new[] { new { id = 1001, item = "coffee beans", quantity = 2 }, new { id = 1002, item = "filter papers", quantity = 1 } },
    });

    private static IResult CreateOrder() => Results.Created("/api/orders/1003", new { id = 1003 });

    // The page is plain HTML and one script file: a strict Content-Security-Policy (no inline script, nothing from another
    // origin), no framing (clickjacking), no MIME sniffing, and no Referer leaving the site.
    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next();
    }
}
