using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// A server without a transport: it keeps the host's application and runs a request through it on the caller's thread, so a
/// measurement sees the hosting layer, the middleware and the endpoint, and nothing of sockets or HTTP parsing.
/// </summary>
internal sealed class DirectServer : IServer
{
    private Func<string?, Task<int>>? _send;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _send = authorization => SendAsync(application, authorization);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

    /// <summary>One <c>GET</c> of <see cref="RequestApp.Path"/>; returns the status code.</summary>
    public Task<int> SendAsync(string? authorization) => (_send ?? throw new InvalidOperationException("Not started."))(authorization);

    private static async Task<int> SendAsync<TContext>(IHttpApplication<TContext> application, string? authorization)
        where TContext : notnull
    {
        var request = new HttpRequestFeature { Method = HttpMethods.Get, Path = RequestApp.Path, Protocol = "HTTP/1.1", Scheme = "http" };
        request.Headers.Host = "localhost";
        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        var response = new HttpResponseFeature();
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        var context = application.CreateContext(features);
        try
        {
            await application.ProcessRequestAsync(context);
            return response.StatusCode;
        }
        finally
        {
            application.DisposeContext(context, exception: null);
        }
    }
}
