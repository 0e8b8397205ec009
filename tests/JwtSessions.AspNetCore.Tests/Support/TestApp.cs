using System.Net;
using System.Security.Claims;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.AspNetCore.Tests.Support;

/// <summary>
/// A real ASP.NET Core application on Kestrel, HTTPS on 127.0.0.1 with a port the system picks, using JwtSessions as an
/// application would: <c>AddJwtSessions</c> (or <c>AddJwtSessionsValidation</c>), <c>AddJwtSessionsBearer</c>,
/// <c>AddJwtSessionsEndpoints</c>, <c>MapJwtSessions("/auth")</c>, and a few endpoints of its own.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "api://test";
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private TestApp(WebApplication app, FakeTimeProvider time, Uri baseAddress)
    {
        App = app;
        Time = time;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public Uri BaseAddress { get; }

    /// <summary>The origin a same-origin browser request names in <c>Origin</c>.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    public IServiceProvider Services => App.Services;

    public static KeyRing NewHmacKeys(string keyId) => KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, keyId));

    public static async Task<TestApp> StartAsync(Action<TestAppOptions>? configure = null)
    {
        var options = new TestAppOptions();
        configure?.Invoke(options);
        var time = options.Time ?? new FakeTimeProvider(Start);
        var accessKeys = options.AccessKeys ?? NewHmacKeys("access-1");
        var refreshKeys = options.RefreshKeys ?? NewHmacKeys("refresh-1");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = options.EnvironmentName ?? Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders().AddProvider(SuiteLogs.Factory).SetMinimumLevel(LogLevel.Trace);
        options.Logging?.Invoke(builder.Logging);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (!options.PlainHttp)
            {
                listen.UseHttps(TestCertificate.Certificate);
            }
        }));

        var services = builder.Services;
        services.AddSingleton<TimeProvider>(time);
        options.Services?.Invoke(services);
        if (options.ValidationOnly)
        {
            services.AddJwtSessionsValidation(validation =>
            {
                validation.Issuer = Issuer;
                validation.Audience = Audience;
                validation.Keys = accessKeys;
                options.Validation?.Invoke(validation);
            });
        }
        else
        {
            services.AddJwtSessions(manager =>
            {
                manager.Issuer = Issuer;
                manager.Audience = Audience;
                manager.AccessTokenKeys = accessKeys;
                manager.RefreshTokenKeys = refreshKeys;
                options.Manager?.Invoke(manager);
            });
            services.AddJwtSessionsEndpoints(endpoints => options.Endpoints?.Invoke(endpoints));
        }

        services.AddAuthentication(JwtSessionsBearerDefaults.AuthenticationScheme)
            .AddJwtSessionsBearer(bearer => options.Bearer?.Invoke(bearer));
        services.AddAuthorization();

        var app = builder.Build();
        options.Pipeline?.Invoke(app);
        if (options.AnomalyBlocking)
        {
            app.UseJwtSessionsAnomalyBlocking();
        }

        app.UseAuthentication();
        app.UseAuthorization();
        MapTestEndpoints(app, issuing: !options.ValidationOnly);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestApp(app, time, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Starts an application whose session store counts its calls and throws on the faults a test sets.</summary>
    public static Task<TestApp> StartAsync(out TestSessionStore store, Action<TestAppOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var counting = new TestSessionStore(time);
        store = counting;
        return StartAsync(options =>
        {
            configure?.Invoke(options);
            options.Time = time;
            var services = options.Services;
            options.Services = s =>
            {
                services?.Invoke(s);
                s.AddSingleton<ISessionStore>(counting);
            };
        });
    }

    /// <summary>A client with its own cookie jar that trusts only the test certificate.</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = cookies ?? new CookieContainer(),
            AllowAutoRedirect = false,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = static (_, certificate, _, _) => TestCertificate.IsTrusted(certificate);
        return new HttpClient(handler) { BaseAddress = BaseAddress };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static void MapTestEndpoints(WebApplication app, bool issuing)
    {
        if (issuing)
        {
            app.MapJwtSessions("/auth");
            app.MapJwtSessionsRevocations("/auth/revocations");

            // The application's sign-in: a real one checks a password first; the tests name the user in the query.
            app.MapPost("/sign-in", static (HttpContext http, string sub, string? scope) =>
            {
                var signIn = new JwtSessionSignInOptions { ClientId = "test-client" };
                if (scope is not null)
                {
                    foreach (var name in scope.Split(' '))
                    {
                        signIn.Scopes.Add(name);
                    }
                }

                return http.SignInJwtSessionAsync(sub, signIn);
            }).RequireSignInRateLimit();
        }

        app.MapGet("/me", static (ClaimsPrincipal user) => Results.Json(new Dictionary<string, string[]>
        {
            ["sub"] = Values(user, JwtSessionsClaimTypes.Subject),
            ["sid"] = Values(user, JwtSessionsClaimTypes.SessionId),
            ["client_id"] = Values(user, JwtSessionsClaimTypes.ClientId),
            ["scope"] = Values(user, JwtSessionsClaimTypes.Scope),
            ["name"] = [user.Identity!.Name!],
        })).RequireAuthorization();
        app.MapGet("/claims", static (ClaimsPrincipal user) => Results.Json(user.Claims.Select(static c => c.Type + "=" + c.Value).ToArray()))
            .RequireAuthorization();
        app.MapGet("/orders", static () => "orders").RequireScope("orders:read");
        app.MapPost("/orders", static () => "created").RequireAuthorization();
    }

    private static string[] Values(ClaimsPrincipal user, string type) => [.. user.FindAll(type).Select(static c => c.Value)];
}
