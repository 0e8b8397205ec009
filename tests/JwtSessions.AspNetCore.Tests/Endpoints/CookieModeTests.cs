using System.Net;
using System.Net.Http.Json;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>
/// The cookie transport (browsers) on real Kestrel over HTTPS, with a real cookie jar: the cookies' flags, the anti-CSRF
/// double submit, and the refusal of cross-site requests, each before any store call (docs/aspnetcore.md, "CSRF").
/// </summary>
public sealed class CookieModeTests
{
    private const string RefreshCookie = "__Host-jws-refresh";
    private const string AccessCookie = "__Host-jws-access";
    private const string CsrfCookie = "__Host-jws-csrf";

    [Test]
    public async Task SignIn_CookieMode_SetsHostCookiesWithTheirFlags()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendSignInAsync("alice", transport: "cookie", origin: app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<TokenBody>())!;
        body.RefreshToken.Should().BeNull("the refresh token never reaches the page's script");
        body.AccessToken.Should().NotBeNullOrEmpty("the page keeps the access token in memory");
        body.CsrfToken.Should().NotBeNullOrEmpty();
        var refresh = SetCookie(response, RefreshCookie);
        refresh.Attributes.Should().BeEquivalentTo(["httponly", "secure", "samesite=strict", "path=/", "max-age=1209600"]);
        var csrf = SetCookie(response, CsrfCookie);
        csrf.Value.Should().Be(body.CsrfToken);
        csrf.Attributes.Should().BeEquivalentTo(["secure", "samesite=strict", "path=/", "max-age=1209600"], "the page reads the anti-CSRF cookie");
        response.Headers.GetValues("Set-Cookie").Should().NotContain(static c => c.StartsWith(AccessCookie, StringComparison.Ordinal));
    }

    [Test]
    public async Task SignIn_ShortLivedPolicy_WritesBrowserSessionCookies()
    {
        await using var app = await StartAsync(manager: static m => m.Policy = SessionPolicy.ShortLived);
        using var client = app.CreateClient();

        using var response = await client.SendSignInAsync("alice", transport: "cookie", origin: app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        SetCookie(response, RefreshCookie).Attributes.Should().BeEquivalentTo(["httponly", "secure", "samesite=strict", "path=/"]);
    }

    [Test]
    public async Task SignIn_CookieModeFromAnotherSite_AnswersCrossSiteRequest()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendSignInAsync("alice", transport: "cookie", origin: "https://evil.example");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CrossSiteRequest);
        response.Headers.Contains("Set-Cookie").Should().BeFalse();
    }

    [Test]
    public async Task SignIn_BrowserAlreadyHoldsAnAntiCsrfCookie_DrawsAFreshOne()
    {
        await using var app = await StartAsync();
        var jar = new CookieContainer();
        var planted = new string('A', 43);
        jar.Add(app.BaseAddress, new Cookie(CsrfCookie, planted) { Secure = true, Path = "/" });
        using var client = app.CreateClient(jar);

        using var response = await client.SendSignInAsync("alice", transport: "cookie", origin: app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<TokenBody>())!;
        body.CsrfToken.Should().NotBe(planted, "a value the browser brought (planted, or left from an earlier session) must not outlive the sign-in");
        SetCookie(response, CsrfCookie).Value.Should().Be(body.CsrfToken);
    }

    [Test]
    public async Task Refresh_CookieWithCsrfToken_RotatesTheRefreshCookie()
    {
        await using var app = await StartAsync();
        var jar = new CookieContainer();
        using var client = app.CreateClient(jar);
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        var before = jar.GetCookies(app.BaseAddress)[RefreshCookie]!.Value;

        using var response = await client.RefreshWithCookieAsync(signIn.CsrfToken, app.Origin, fetchSite: "same-origin");

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = (await response.Content.ReadFromJsonAsync<TokenBody>())!;
        body.RefreshToken.Should().BeNull();
        body.CsrfToken.Should().Be(signIn.CsrfToken, "the anti-CSRF token lasts as long as its cookie");
        jar.GetCookies(app.BaseAddress)[RefreshCookie]!.Value.Should().NotBe(before);
        using var me = await client.GetWithTokenAsync("/me", body.AccessToken);
        me.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Refresh_CookieWithoutCsrfToken_AnswersCsrfTokenInvalidBeforeAnyStoreCall()
    {
        await using var app = await StartAsync(out var store);
        using var client = app.CreateClient();
        await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);

        using var response = await client.RefreshWithCookieAsync(csrf: null, app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CsrfTokenInvalid);
        store.Rotations.Should().Be(0);
        store.Gets.Should().Be(0);
    }

    [Test]
    public async Task Refresh_CookieWithWrongCsrfToken_AnswersCsrfTokenInvalid()
    {
        await using var app = await StartAsync(out var store);
        using var client = app.CreateClient();
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        var wrong = (signIn.CsrfToken![0] == 'A' ? "B" : "A") + signIn.CsrfToken[1..];

        using var response = await client.RefreshWithCookieAsync(wrong, app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CsrfTokenInvalid);
        store.Rotations.Should().Be(0);
    }

    [Test]
    public async Task Refresh_CookieFromForeignOrigin_AnswersCrossSiteRequest()
    {
        await using var app = await StartAsync(out var store);
        using var client = app.CreateClient();
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);

        using var response = await client.RefreshWithCookieAsync(signIn.CsrfToken, "https://evil.example");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CrossSiteRequest);
        store.Rotations.Should().Be(0);
    }

    [Test]
    public async Task Refresh_CookieCrossSiteFetchWithoutOrigin_AnswersCrossSiteRequest()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);

        using var response = await client.RefreshWithCookieAsync(signIn.CsrfToken, origin: null, fetchSite: "cross-site");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CrossSiteRequest);
    }

    [Test]
    public async Task Refresh_CookieFromAllowedOrigin_Rotates()
    {
        await using var app = await StartAsync(endpoints: static e => e.AllowedOrigins.Add("https://app.example"));
        using var client = app.CreateClient();
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);

        using var response = await client.RefreshWithCookieAsync(signIn.CsrfToken, "https://app.example", fetchSite: "same-site");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task AccessCookie_SafeRequest_Authenticates()
    {
        await using var app = await StartAsync(endpoints: static e => e.Cookies.AccessTokenInCookie = true);
        using var client = app.CreateClient();
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        signIn.AccessToken.Should().BeNull("the access token travels in its HttpOnly cookie");

        using var response = await client.GetWithTokenAsync("/me", accessToken: null);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task AccessCookie_StateChangingRequestWithoutCsrfToken_AnswersCsrfTokenInvalid()
    {
        await using var app = await StartAsync(endpoints: static e => e.Cookies.AccessTokenInCookie = true);
        using var client = app.CreateClient();
        await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);

        using var response = await client.PostAsync("/orders", content: null);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CsrfTokenInvalid);
        response.Headers.Contains("WWW-Authenticate").Should().BeFalse("signing in again would not help");
    }

    [Test]
    public async Task AccessCookie_StateChangingRequestFromAnotherSite_AnswersCrossSiteRequest()
    {
        await using var app = await StartAsync(endpoints: static e => e.Cookies.AccessTokenInCookie = true);
        using var client = app.CreateClient();
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders");
        request.Headers.Add(HttpClientExtensions.CsrfHeader, signIn.CsrfToken);
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CrossSiteRequest);
    }

    [Test]
    public async Task Refresh_CrossSiteFormPost_AnswersCrossSiteRequestBeforeAnyStoreCall()
    {
        await using var app = await StartAsync(out var store);
        using var client = app.CreateClient();
        await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh")
        {
            Content = new FormUrlEncodedContent([new("refresh_token", "x")]),
        };
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CrossSiteRequest);
        store.Gets.Should().Be(0);
        store.Rotations.Should().Be(0);
    }

    [Test]
    public async Task Refresh_HeaderModeJsonFromAnotherOrigin_StillRotates()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh")
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["refresh_token"] = tokens.RefreshToken! }),
        };
        request.Headers.Add("Origin", "https://app.example");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the token is in the body (a CORS preflight let the page send it), no cookie is used");
    }

    [TestCase("POST", "/auth/logout")]
    [TestCase("POST", "/auth/logout-all")]
    [TestCase("DELETE", "/auth/sessions/some-session")]
    [TestCase("POST", "/orders")]
    public async Task StateChangingEndpoint_CrossSiteWithoutAuthorization_AnswersCrossSiteRequest(string method, string path)
    {
        await using var app = await StartAsync(out var store);
        using var client = app.CreateClient();
        await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        var before = store.Gets;
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.CrossSiteRequest);
        response.Headers.Contains("Set-Cookie").Should().BeFalse();
        store.Gets.Should().Be(before);
    }

    [Test]
    public async Task Logout_WithoutAuthorizationFromANonBrowser_StillChallenges()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/logout", content: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer");
    }

    [Test]
    public async Task Logout_ExpiredBearerFromAnotherOrigin_StillAnswersExpired()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(6));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        request.Headers.Add("Origin", "https://app.example");

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a header-mode client refreshes on this answer");
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token expired\"");
    }

    [Test]
    public async Task AccessCookie_StateChangingRequestWithCsrfToken_Succeeds()
    {
        await using var app = await StartAsync(endpoints: static e => e.Cookies.AccessTokenInCookie = true);
        using var client = app.CreateClient();
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders");
        request.Headers.Add(HttpClientExtensions.CsrfHeader, signIn.CsrfToken);
        request.Headers.Add("Origin", app.Origin);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Logout_CookieMode_ExpiresEveryCookie()
    {
        await using var app = await StartAsync(endpoints: static e => e.Cookies.AccessTokenInCookie = true);
        var jar = new CookieContainer();
        using var client = app.CreateClient(jar);
        var signIn = await client.SignInAsync("alice", transport: "cookie", origin: app.Origin);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/logout");
        request.Headers.Add(HttpClientExtensions.CsrfHeader, signIn.CsrfToken);
        request.Headers.Add("Origin", app.Origin);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        foreach (var name in new[] { RefreshCookie, AccessCookie, CsrfCookie })
        {
            SetCookie(response, name).Attributes.Should().Contain("secure").And.Contain("path=/");
        }

        jar.GetCookies(app.BaseAddress).Should().BeEmpty();
    }

    private static Task<TestApp> StartAsync(Action<JwtSessionsEndpointOptions>? endpoints = null, Action<SessionManagerOptions>? manager = null)
        => TestApp.StartAsync(options =>
        {
            options.Endpoints = e =>
            {
                e.Transports = SessionTransports.Header | SessionTransports.Cookie;
                endpoints?.Invoke(e);
            };
            options.Manager = manager;
        });

    private static Task<TestApp> StartAsync(out TestSessionStore store)
        => TestApp.StartAsync(out store, static options => options.Endpoints = static e => e.Transports = SessionTransports.Header | SessionTransports.Cookie);

    private static (string Value, string[] Attributes) SetCookie(HttpResponseMessage response, string name)
    {
        var header = response.Headers.GetValues("Set-Cookie").Should().ContainSingle(c => c.StartsWith(name + "=", StringComparison.Ordinal)).Subject;
        var parts = header.Split(';', StringSplitOptions.TrimEntries);
        var attributes = parts[1..].Where(static p => !p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase))
            .Select(static p => p.ToLowerInvariant()).ToArray();
        return (parts[0][(name.Length + 1)..], attributes);
    }
}
