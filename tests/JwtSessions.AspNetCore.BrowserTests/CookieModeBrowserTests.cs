using System.Globalization;
using JwtSessions.AspNetCore.BrowserTests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace JwtSessions.AspNetCore.BrowserTests;

/// <summary>
/// The sample's cookie mode in a real browser (headless Chromium from the distribution): the page signs in, calls the API,
/// refreshes and logs out; the cookies are checked as the browser stored them, and requests from another site are refused.
/// docs/testing.md says how these tests find the browser and when a missing one fails them.
/// </summary>
[TestFixture]
[Category("Browser")]
[NonParallelizable]
public sealed class CookieModeBrowserTests
{
    private const string RefreshCookie = "__Host-jws-refresh";
    private const string CsrfCookie = "__Host-jws-csrf";
    private const string RefreshPath = "/auth/refresh";
    private const string LogoutPath = "/auth/logout";

    private HeadlessChromium _browser = null!;
    private SampleHost _host = null!;
    private SamplePage _page = null!;

    [SetUp]
    public async Task SetUp()
    {
        // The browser first: where none is installed and none is required, the test is skipped before any server starts.
        _browser = HeadlessChromium.Start();
        _host = await SampleHost.StartAsync();
        _page = new SamplePage(_browser, _host);
        _page.Open();
    }

    [TearDown]
    public async Task TearDown()
    {
        _browser?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Test]
    public void Page_SignInCallRefreshLogout_EachStepAnswersAsExpected()
    {
        _page.CallMe().Status.Should().Be(401, "nobody is signed in yet");

        _page.SignIn().Status.Should().Be(200);
        _page.TokenState().Should().Be("held in memory");
        var me = _page.CallMe();
        me.Status.Should().Be(200);
        me.Body.Should().Contain("\"subject\": \"user-0001\"");
        _page.CallOrders().Status.Should().Be(200, "the demo user has orders:read");
        var create = _page.CreateOrder();
        create.Status.Should().Be(403, "the demo user lacks orders:write");
        create.Body.Should().Contain("insufficient_scope");

        _page.Refresh().Status.Should().Be(200);
        _page.CallMe().Status.Should().Be(200, "the refreshed access token works");
        _page.Sessions().Body.Should().Contain("HeadlessChrome", "the session's metadata holds the browser's user agent");

        _page.LogOut().Status.Should().BeInRange(200, 204);
        _page.TokenState().Should().Be("none");
        _page.Refresh().Status.Should().Be(401, "the session is gone and its refresh cookie with it");
        _browser.Cookies().Should().NotContain(c => c.Name == RefreshCookie, "logout deletes the refresh cookie");
    }

    [Test]
    public void SignIn_RefreshCookie_StoredHostOnlyHttpOnlySecureStrictWithTheSessionsExpiry()
    {
        _page.SignIn().Status.Should().Be(200);
        var browserNow = _browser.NowSeconds();

        var cookies = _browser.Cookies();
        TestContext.Out.WriteLine(string.Join(Environment.NewLine, cookies));
        var refresh = cookies.Should().ContainSingle(c => c.Name == RefreshCookie).Subject;
        refresh.HttpOnly.Should().BeTrue("scripts, an injected one included, must never read the refresh token");
        refresh.Secure.Should().BeTrue();
        refresh.SameSite.Should().Be("Strict");
        refresh.Domain.Should().Be("localhost", "a __Host- cookie is host-only: no Domain attribute, no subdomain sees it");
        refresh.Path.Should().Be("/", "the __Host- prefix requires Path=/");

        // Max-Age runs to the session's deadline (the idle timeout, sooner than the absolute lifetime); the browser turns
        // it into an expiry on its own clock, so compare with the browser's now, not the server's fake one.
        var policy = _host.Services.GetRequiredService<SessionManager>().Policy;
        var expected = browserNow + Math.Min(policy.IdleTimeout.TotalSeconds, policy.AbsoluteLifetime.TotalSeconds);
        refresh.Expires.Should().NotBeNull("a persistent session's refresh cookie outlives the browser session");
        refresh.Expires!.Value.Should().BeApproximately(expected, 60);

        _browser.DocumentCookie().Should().NotContain(RefreshCookie, "the page's scripts cannot see an HttpOnly cookie");
    }

    [Test]
    public void SignIn_AccessToken_KeptInPageMemoryNeverInCookiesOrStorage()
    {
        _page.SignIn().Status.Should().Be(200);

        _browser.Cookies().Select(static c => c.Name).Should().OnlyContain(n => n == RefreshCookie || n == CsrfCookie);
        var stored = Convert.ToInt64(_browser.Script("return localStorage.length + sessionStorage.length;"), CultureInfo.InvariantCulture);
        stored.Should().Be(0, "a token in web storage is readable by any script on the origin");
    }

    [Test]
    public void CallMe_AccessTokenExpired_AnswersExpiredUntilThePageRefreshes()
    {
        _page.SignIn().Status.Should().Be(200);
        var policy = _host.Services.GetRequiredService<SessionManager>().Policy;
        _host.Clock.Advance(policy.AccessTokenLifetime + TimeSpan.FromMinutes(1));

        var expired = _page.CallMe();
        expired.Status.Should().Be(401);
        expired.Body.Should().Contain("invalid_token").And.Contain("expired", "an expired token tells the client to refresh, not to sign in");

        _page.Refresh().Status.Should().Be(200);
        _page.CallMe().Status.Should().Be(200);
    }

    [TestCase(null, TestName = "Refresh_SameOriginWithoutCsrfHeader_RefusedWithCsrfProblem")]
    [TestCase("forged-value", TestName = "Refresh_SameOriginWithWrongCsrfHeader_RefusedWithCsrfProblem")]
    public void Refresh_SameOriginScriptWithoutTheCsrfToken_Refused(string? csrfHeader)
    {
        _page.SignIn().Status.Should().Be(200);

        // A script on the page's own origin (so the cookies go along and the cross-site checks pass) that does not know the
        // anti-CSRF token: what a same-site attacker (a sibling subdomain, which SameSite does not stop) can at most do.
        var headers = new Dictionary<string, string> { ["X-Session-Transport"] = "cookie" };
        if (csrfHeader is not null)
        {
            headers["X-CSRF-Token"] = csrfHeader;
        }

        var refused = _browser.FetchFromPage("POST", RefreshPath, headers);
        refused.Status.Should().Be(403);
        refused.Body.Should().Contain("csrf-token-invalid");
        _host.Recorder.For("POST", RefreshPath).Should().ContainSingle().Which.CookieNames.Should().Contain(RefreshCookie);

        _page.Refresh().Status.Should().Be(200, "the page sends the token and the session is untouched");
    }

    [Test]
    public async Task Logout_CrossSiteFormPost_RefusedWithoutCookiesAndTheSessionSurvives()
    {
        _page.SignIn().Status.Should().Be(200);
        await using var attacker = await CrossSitePage.StartAsync();

        _browser.GoTo(attacker.FormPost(_host.Url(LogoutPath)));
        var forged = _browser.WaitFor(_ => _host.Recorder.For("POST", LogoutPath) is [var first, ..] ? first : null, "the forged logout to reach the sample");

        TestContext.Out.WriteLine(forged);
        forged.SecFetchSite.Should().Be("cross-site");
        forged.Origin.Should().Be(attacker.Origin.GetLeftPart(UriPartial.Authority));
        forged.CookieNames.Should().BeEmpty("SameSite=Strict keeps every session cookie off a cross-site request");
        // No Authorization header and a cross-site origin: refused as cross-site (403 cross-site-request), as every
        // cookie-mode endpoint refuses it, rather than challenged.
        forged.Status.Should().Be(403);
        forged.SetCookies.Should().BeEmpty("a refused request neither deletes nor sets a session cookie");

        _page.Open();
        _page.Refresh().Status.Should().Be(200, "the forged logout did not end the session");
    }

    [Test]
    public async Task Refresh_CrossSiteSimpleFetch_RefusedWithoutCookies()
    {
        _page.SignIn().Status.Should().Be(200);
        await using var attacker = await CrossSitePage.StartAsync();

        _browser.GoTo(attacker.FetchPost(_host.Url(RefreshPath), withHeader: false));
        _browser.WaitFor(d => d.FindElement(By.Id("result")).GetDomAttribute("data-done") == "true" ? (object)true : null, "the attacker's fetch");

        var forged = _host.Recorder.For("POST", RefreshPath).Should().ContainSingle().Subject;
        TestContext.Out.WriteLine(forged);
        forged.SecFetchSite.Should().Be("cross-site");
        forged.CookieNames.Should().BeEmpty("SameSite=Strict keeps the refresh cookie off a cross-site request");
        // A simple request (no JSON, so not header mode) from another site: refused as cross-site whatever its body.
        forged.Status.Should().Be(403);
        forged.SetCookies.Should().BeEmpty("nothing was issued");

        _page.Open();
        _page.Refresh().Status.Should().Be(200, "the session is untouched");
    }

    [Test]
    public async Task Refresh_CrossSiteFetchWithCsrfHeader_BlockedByTheBrowserBeforeTheServerSeesIt()
    {
        _page.SignIn().Status.Should().Be(200);
        await using var attacker = await CrossSitePage.StartAsync();

        _browser.GoTo(attacker.FetchPost(_host.Url(RefreshPath), withHeader: true));
        _browser.WaitFor(d => d.FindElement(By.Id("result")).GetDomAttribute("data-done") == "true" ? (object)true : null, "the attacker's fetch");

        _browser.Driver.FindElement(By.Id("result")).Text.Should().Be("error TypeError", "the sample grants no CORS preflight");
        _host.Recorder.For("POST", RefreshPath).Should().BeEmpty("a custom header needs a preflight, which the sample refuses");
        _host.Recorder.For("OPTIONS", RefreshPath).Should().ContainSingle()
            .Which.Status.Should().Be(405, "no CORS policy answers the preflight: the path has only a POST endpoint");
    }
}
