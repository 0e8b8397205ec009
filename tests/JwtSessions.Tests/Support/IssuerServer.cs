using System.Net;
using JwtSessions.Revocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Support;

/// <summary>
/// A real Kestrel server on 127.0.0.1 standing in for an issuer: its JWK set at <c>/jwks</c> (the body, headers and failures
/// a test sets) and, when a <see cref="RevocationLog"/> is given, the revocation endpoint at <c>/revocations</c>.
/// </summary>
internal sealed class IssuerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _jwksRequests;
    private int _revocationRequests;

    private IssuerServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public Uri JwksUri => new(BaseUri, "/jwks");

    public Uri RevocationsUri => new(BaseUri, "/revocations");

    public int Port => BaseUri.Port;

    /// <summary>The JWK set served; null answers 503.</summary>
    public string? Jwks { get; set; }

    /// <summary>The Cache-Control header sent with the set, if any.</summary>
    public string? CacheControl { get; set; }

    /// <summary>Replaces the whole /jwks answer when set.</summary>
    public Func<HttpContext, Task>? JwksHandler { get; set; }

    /// <summary>Completes when the next /jwks request arrives (a test waiting for a fetch to be in flight).</summary>
    public TaskCompletionSource JwksRequestArrived { get; private set; } = NewSignal();

    public RevocationLog? Revocations { get; set; }

    public bool RevocationsDown { get; set; }

    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public int RevocationRequests => Volatile.Read(ref _revocationRequests);

    public static async Task<IssuerServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(SuiteLogs.Factory).SetMinimumLevel(LogLevel.Trace);
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        IssuerServer? server = null;
        app.MapGet("/jwks", context => server!.ServeJwksAsync(context));
        app.MapGet("/revocations", context => server!.ServeRevocationsAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new IssuerServer(app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ServeJwksAsync(HttpContext context)
    {
        Interlocked.Increment(ref _jwksRequests);
        var arrived = JwksRequestArrived;
        JwksRequestArrived = NewSignal();
        arrived.TrySetResult();
        if (JwksHandler is { } handler)
        {
            await handler(context);
            return;
        }

        if (Jwks is not { } jwks)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (CacheControl is { } cacheControl)
        {
            context.Response.Headers.CacheControl = cacheControl;
        }

        context.Response.ContentType = "application/jwk-set+json";
        await context.Response.WriteAsync(jwks);
    }

    /// <summary>The revocation endpoint as an issuer hosts it: 503 while the log's feed is down, 304 for a current tag, else the page.</summary>
    private async Task ServeRevocationsAsync(HttpContext context)
    {
        Interlocked.Increment(ref _revocationRequests);
        if (Revocations is not { } log || RevocationsDown || !log.IsAvailable)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var page = log.GetPage(context.Request.Query["cursor"], context.Request.Headers.IfNoneMatch);
        context.Response.Headers.ETag = page.EntityTag;
        context.Response.Headers.CacheControl = "no-cache";
        if (page.NotModified)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(page.ToJson());
    }
}
