using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// One minimal API, <c>GET /orders</c>, which reads the caller's <c>sub</c> claim and answers it as text, behind whatever
/// authentication the caller configures; served in-process by a <see cref="TestServer"/> or by Kestrel on 127.0.0.1. Every
/// app has the same endpoint, routing and (no) logging, so two apps differ only by their authentication.
/// </summary>
internal sealed class RequestApp : IAsyncDisposable
{
    public const string Path = "/orders";

    private readonly WebApplication _app;
    private readonly TestServer? _server;
    private readonly HttpClient? _client;

    private RequestApp(WebApplication app, bool kestrel)
    {
        _app = app;
        if (kestrel)
        {
            Address = new Uri(new Uri(app.Urls.Single()), Path);
            _client = new HttpClient();
        }
        else
        {
            _server = app.GetTestServer();
            Address = new Uri(_server.BaseAddress, Path);
        }
    }

    /// <summary>The endpoint's URL (Kestrel: <c>http://127.0.0.1:port/orders</c>).</summary>
    public Uri Address { get; }

    /// <summary>Starts an app.</summary>
    /// <param name="services">Registers authentication and authorization; null for the anonymous floor (neither).</param>
    /// <param name="requireAuthorization">Whether <c>/orders</c> requires an authenticated user (the default policy).</param>
    /// <param name="kestrel">Kestrel on 127.0.0.1 (a free port) rather than an in-process TestServer.</param>
    public static async Task<RequestApp> StartAsync(Action<IServiceCollection>? services, bool requireAuthorization, bool kestrel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
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
        return new RequestApp(app, kestrel);
    }

    /// <summary>One <c>GET /orders</c> through the whole pipeline; returns the status code.</summary>
    public async Task<int> GetAsync(string? authorization)
    {
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
