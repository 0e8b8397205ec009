using System.Net;
using System.Net.Http.Json;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Tests.Support;
using Microsoft.Extensions.Hosting;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>
/// The cookie transport over plain HTTP (docs/aspnetcore.md, "HTTPS"): its <c>Secure</c> <c>__Host-</c> cookies are never
/// written on a plain-HTTP answer and a refresh cookie sent over plain HTTP is never used, except on loopback in the
/// Development environment; header mode is not affected.
/// </summary>
public sealed class PlainHttpTests
{
    [Test]
    public async Task SignIn_CookieModeOverPlainHttp_AnswersHttpsRequiredBeforeAnyStoreCall()
    {
        await using var app = await TestApp.StartAsync(out var store, static o => Configure(o, Environments.Production));
        using var client = PlainClient(app);

        using var response = await client.SendSignInAsync("alice", transport: "cookie", origin: app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.HttpsRequired);
        response.Headers.Contains("Set-Cookie").Should().BeFalse();
        store.Calls.Should().Be(0);
    }

    [Test]
    public async Task SignIn_HeaderModeOverPlainHttp_Succeeds()
    {
        await using var app = await TestApp.StartAsync(static o => Configure(o, Environments.Production));
        using var client = PlainClient(app);

        var tokens = await client.SignInAsync("alice", transport: "header");

        tokens.RefreshToken.Should().NotBeNullOrEmpty("header mode sets no cookie; transport security is the deployment's");
    }

    [Test]
    public async Task Refresh_CookieOverPlainHttp_AnswersHttpsRequiredBeforeAnyStoreCall()
    {
        await using var app = await TestApp.StartAsync(out var store, static o => Configure(o, Environments.Production));
        using var client = PlainClient(app);
        var tokens = await client.SignInAsync("alice", transport: "header");
        var before = store.Calls;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh");
        request.Headers.Add("Cookie", $"__Host-jws-refresh={tokens.RefreshToken}; __Host-jws-csrf=csrf-1");
        request.Headers.Add(HttpClientExtensions.CsrfHeader, "csrf-1");
        request.Headers.Add("Origin", app.Origin);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.HttpsRequired);
        store.Calls.Should().Be(before);
    }

    [Test]
    public async Task SignIn_CookieModeOverPlainHttpOnLoopbackInDevelopment_SetsTheCookies()
    {
        await using var app = await TestApp.StartAsync(static o => Configure(o, Environments.Development));
        using var client = PlainClient(app);

        using var response = await client.SendSignInAsync("alice", transport: "cookie", origin: app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.GetValues("Set-Cookie").Should().Contain(static c => c.StartsWith("__Host-jws-refresh=", StringComparison.Ordinal));
        (await response.Content.ReadFromJsonAsync<TokenBody>())!.CsrfToken.Should().NotBeNullOrEmpty();
    }

    [Test]
    public async Task SignIn_CookieModeOverPlainHttpInStaging_AnswersHttpsRequired()
    {
        await using var app = await TestApp.StartAsync(static o => Configure(o, Environments.Staging));
        using var client = PlainClient(app);

        using var response = await client.SendSignInAsync("alice", transport: "cookie", origin: app.Origin);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.HttpsRequired);
    }

    [Test]
    public async Task AccessCookie_OverPlainHttp_AnswersHttpsRequired()
    {
        using var response = await GetMeWithAccessCookieAsync(Environments.Production);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a Secure cookie that came over plain HTTP is never accepted");
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.HttpsRequired);
    }

    [Test]
    public async Task AccessCookie_OverPlainHttpOnLoopbackInDevelopment_Authenticates()
    {
        using var response = await GetMeWithAccessCookieAsync(Environments.Development);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    // GET /me over plain HTTP with the access token in the access cookie (AccessTokenInCookie on), nothing else.
    private static async Task<HttpResponseMessage> GetMeWithAccessCookieAsync(string environment)
    {
        await using var app = await TestApp.StartAsync(o => Configure(o, environment, accessCookie: true));
        using var client = PlainClient(app);
        var tokens = await client.SignInAsync("alice", transport: "header");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Add("Cookie", "__Host-jws-access=" + tokens.AccessToken);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static void Configure(TestAppOptions options, string environment, bool accessCookie = false)
    {
        options.PlainHttp = true;
        options.EnvironmentName = environment;
        options.Endpoints = e =>
        {
            e.Transports = SessionTransports.Header | SessionTransports.Cookie;
            e.Cookies.AccessTokenInCookie = accessCookie;
        };
    }

    // No cookie jar: the tests write the Cookie header themselves (a jar would not send Secure cookies over plain HTTP).
    private static HttpClient PlainClient(TestApp app)
        => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
}
