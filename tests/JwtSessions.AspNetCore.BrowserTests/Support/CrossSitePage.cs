using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>
/// An attacker's site: a second Kestrel on 127.0.0.1, loaded as <c>http://127.0.0.1:port</c> while the sample is loaded as
/// <c>http://localhost:port</c>. The two are different sites (a site is the scheme and the registrable host; ports do not
/// count), so the browser treats the attacker's requests to the sample as cross-site, as it would for another domain.
/// </summary>
internal sealed class CrossSitePage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CrossSitePage(WebApplication app, Uri origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>The attacker's origin, <c>http://127.0.0.1:port</c>.</summary>
    public Uri Origin { get; }

    public static async Task<CrossSitePage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();

        // A form that posts itself to the target as soon as it loads: the classic cross-site request forgery, a top-level
        // navigation that needs no script on the target and no CORS.
        app.MapGet("/form", static (string target) => Results.Content(
            $"""
            <!doctype html><html><body>
            <form id="attack" method="post" action="{HtmlEncoder.Default.Encode(target)}"><input type="hidden" name="x" value="1"></form>
            <script>document.getElementById('attack').submit();</script>
            </body></html>
            """,
            "text/html"));

        // A script that sends a credentialed POST to the target, either as a "simple" request (no-cors, no custom header: it
        // reaches the server without a preflight) or with a guessed anti-CSRF header (which needs a CORS preflight the sample
        // never grants). The outcome, as the attacker's script sees it, goes into #result.
        app.MapGet("/fetch", static (string target, bool withHeader) => Results.Content(
            $$"""
            <!doctype html><html><body>
            <pre id="result" data-done="false"></pre>
            <script>
            const init = { method: 'POST', credentials: 'include', body: 'x=1' };
            if ({{(withHeader ? "true" : "false")}}) { init.headers = { 'X-CSRF-Token': 'guessed' }; } else { init.mode = 'no-cors'; }
            const result = document.getElementById('result');
            fetch('{{JavaScriptEncoder.Default.Encode(target)}}', init)
              .then(r => { result.textContent = 'response ' + r.type + ' ' + r.status; })
              .catch(e => { result.textContent = 'error ' + e.name; })
              .finally(() => { result.dataset.done = 'true'; });
            </script>
            </body></html>
            """,
            "text/html"));

        await app.StartAsync();
        var port = new Uri(app.Urls.Single()).Port;
        return new CrossSitePage(app, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>The page that auto-submits a form POST to <paramref name="target"/>.</summary>
    public Uri FormPost(Uri target) => new(Origin, "/form?target=" + Uri.EscapeDataString(target.ToString()));

    /// <summary>The page that sends a credentialed <c>fetch</c> POST to <paramref name="target"/>.</summary>
    public Uri FetchPost(Uri target, bool withHeader)
        => new(Origin, $"/fetch?withHeader={(withHeader ? "true" : "false")}&target={Uri.EscapeDataString(target.ToString())}");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
