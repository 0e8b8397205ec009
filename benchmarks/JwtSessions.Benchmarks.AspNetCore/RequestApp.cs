using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// One minimal API on an in-process <see cref="TestServer"/>: <c>GET /orders</c>, which reads the caller's <c>sub</c> claim and
/// answers it as text, behind whatever authentication the caller configures. Every app has the same endpoint, routing and
/// (no) logging, so two apps differ only by their authentication.
/// </summary>
internal sealed class RequestApp : IAsyncDisposable
{
    public const string Path = "/orders";

    private readonly WebApplication _app;
    private readonly TestServer _server;

    private RequestApp(WebApplication app)
    {
        _app = app;
        _server = app.GetTestServer();
    }

    /// <summary>Starts an app.</summary>
    /// <param name="services">Registers authentication and authorization; null for the anonymous floor (neither).</param>
    /// <param name="requireAuthorization">Whether <c>/orders</c> requires an authenticated user (the default policy).</param>
    public static async Task<RequestApp> StartAsync(Action<IServiceCollection>? services, bool requireAuthorization)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
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
        return new RequestApp(app);
    }

    /// <summary>One <c>GET /orders</c> through the whole pipeline; returns the status code.</summary>
    public async Task<int> GetAsync(string? authorization)
    {
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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
