using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// One minimal API, <c>GET /orders</c>, which reads the caller's <c>sub</c> claim and answers it as text, behind whatever
/// authentication the caller configures; served as <see cref="RequestHost"/> says. Every
/// app has the same endpoint, routing and (no) logging, so two apps differ only by their authentication.
/// </summary>
internal sealed class RequestApp : IAsyncDisposable
{
    public const string Path = "/orders";

    private readonly WebApplication _app;
    private readonly TestServer? _server;
    private readonly HttpClient? _client;
    private readonly DirectServer? _direct;

    private RequestApp(WebApplication app, RequestHost host)
    {
        _app = app;
        switch (host)
        {
            case RequestHost.Kestrel:
                Address = new Uri(new Uri(app.Urls.Single()), Path);
                _client = new HttpClient();
                break;
            case RequestHost.Direct:
                _direct = (DirectServer)app.Services.GetRequiredService<IServer>();
                Address = new Uri("http://localhost" + Path);
                break;
            default:
                _server = app.GetTestServer();
                Address = new Uri(_server.BaseAddress, Path);
                break;
        }
    }

    /// <summary>The endpoint's URL (Kestrel: <c>http://127.0.0.1:port/orders</c>).</summary>
    public Uri Address { get; }

    /// <summary>Starts an app.</summary>
    /// <param name="services">Registers authentication and authorization; null for the anonymous floor (neither).</param>
    /// <param name="requireAuthorization">Whether <c>/orders</c> requires an authenticated user (the default policy).</param>
    /// <param name="host">What serves the app.</param>
    public static async Task<RequestApp> StartAsync(Action<IServiceCollection>? services, bool requireAuthorization, RequestHost host)
    {
        var builder = WebApplication.CreateSlimBuilder();
        switch (host)
        {
            case RequestHost.Kestrel:
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                break;
            case RequestHost.Direct:
                builder.Services.AddSingleton<IServer, DirectServer>();
                break;
            default:
                builder.WebHost.UseTestServer();
                break;
        }

        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        if (services is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        var endpoint = app.MapGet(Path, static (ClaimsPrincipal user) => Results.Text(user.FindFirst("sub")?.Value ?? "anonymous"));
        if (requireAuthorization)
        {
            endpoint.RequireAuthorization();
        }

        await app.StartAsync();
        return new RequestApp(app, host);
    }

    /// <summary>One <c>GET /orders</c> through the whole pipeline; returns the status code.</summary>
    public async Task<int> GetAsync(string? authorization)
    {
        if (_direct is not null)
        {
            return await _direct.SendAsync(authorization);
        }

        if (_server is null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Address);
            if (authorization is not null)
            {
                request.Headers.Authorization = AuthenticationHeaderValue.Parse(authorization);
            }

            using var response = await _client!.SendAsync(request);
            return (int)response.StatusCode;
        }

        var context = await _server.SendAsync(request =>
        {
            request.Request.Method = HttpMethods.Get;
            request.Request.Path = Path;
            if (authorization is not null)
            {
                request.Request.Headers.Authorization = authorization;
            }
        });
        return context.Response.StatusCode;
    }

    /// <summary>Throws unless a request answers <paramref name="expected"/>: a benchmark of the wrong outcome is worthless.</summary>
    public async Task ExpectAsync(string? authorization, int expected, string what)
    {
        var status = await GetAsync(authorization);
        if (status != expected)
        {
            throw new InvalidOperationException($"{what}: expected {expected}, got {status}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
