using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>
/// Records every request the sample answers, outermost in its pipeline (a startup filter runs before the app's own
/// middleware), so a test can check what a cross-site page's request carried and how it was answered.
/// </summary>
internal sealed class RequestRecorder : IStartupFilter
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
        => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    var headers = context.Request.Headers;
                    _requests.Enqueue(new RecordedRequest(
                        context.Request.Method,
                        context.Request.Path.Value ?? string.Empty,
                        headers["Sec-Fetch-Site"].FirstOrDefault(),
                        headers.Origin.FirstOrDefault(),
                        [.. context.Request.Cookies.Keys.Order(StringComparer.Ordinal)],
                        context.Response.StatusCode,
                        [.. context.Response.Headers.SetCookie.Select(static c => c?.Split('=', 2)[0] ?? string.Empty)]));
                }
            });
            next(app);
        };

    /// <summary>The recorded requests for <paramref name="path"/> with <paramref name="method"/>.</summary>
    public IReadOnlyList<RecordedRequest> For(string method, string path)
        => [.. _requests.Where(r => r.Method == method && r.Path == path)];
}
