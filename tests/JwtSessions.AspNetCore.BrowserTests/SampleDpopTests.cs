using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JwtSessions.AspNetCore.BrowserTests.Support;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.Dpop;
using JwtSessions.Signing;

namespace JwtSessions.AspNetCore.BrowserTests;

/// <summary>
/// The sample's DPoP mode (<c>Dpop:Enabled</c>, docs/dpop.md) as a mobile app uses it, over HTTP without a browser: sign in
/// with a proof, call the API with <c>Authorization: DPoP</c> and a proof, refresh with a proof; a refresh without one is
/// refused.
/// </summary>
[TestFixture]
public sealed class SampleDpopTests
{
    private SampleHost _host = null!;
    private HttpClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _host = await SampleHost.StartAsync("--Dpop:Enabled=true");
        _client = new HttpClient { BaseAddress = _host.Origin };
    }

    [TearDown]
    public async Task TearDown()
    {
        _client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private string Proof(SigningKey key, string method, string path, string? accessToken = null)
        => DpopProof.Create(key, method, _host.Url(path), _host.Clock.GetUtcNow(), accessToken);

    private async Task<HttpResponseMessage> PostAsync(string path, object body, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        return await _client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetMeAsync(string scheme, string accessToken, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, accessToken);
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        return await _client.SendAsync(request);
    }

    private static async Task<(string TokenType, string AccessToken, string RefreshToken)> TokensAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        return (root.GetProperty("token_type").GetString()!, root.GetProperty("access_token").GetString()!, root.GetProperty("refresh_token").GetString()!);
    }

    [Test]
    public async Task DpopMode_SignInCallRefresh_BoundToTheAppsKeyAndRefreshWithoutProofRefused()
    {
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var credentials = new { userName = SamplePage.DemoUserName, password = SamplePage.DemoPassword };

        using var signedIn = await PostAsync("/signin", credentials, Proof(key, "POST", "/signin"));
        var tokens = await TokensAsync(signedIn);
        tokens.TokenType.Should().Be("DPoP", "RFC 9449 §5: the response names a bound token's type");

        using var me = await GetMeAsync("DPoP", tokens.AccessToken, Proof(key, "GET", "/api/me", tokens.AccessToken));
        me.StatusCode.Should().Be(HttpStatusCode.OK, await me.Content.ReadAsStringAsync());
        (await me.Content.ReadAsStringAsync()).Should().Contain("user-0001");

        using var asBearer = await GetMeAsync("Bearer", tokens.AccessToken, proof: null);
        asBearer.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a bound token is worthless without a proof of its key");

        using var refreshed = await PostAsync("/auth/refresh", new { refresh_token = tokens.RefreshToken }, Proof(key, "POST", "/auth/refresh"));
        var renewed = await TokensAsync(refreshed);
        using var meAgain = await GetMeAsync("DPoP", renewed.AccessToken, Proof(key, "GET", "/api/me", renewed.AccessToken));
        meAgain.StatusCode.Should().Be(HttpStatusCode.OK, await meAgain.Content.ReadAsStringAsync());

        using var stolen = await PostAsync("/auth/refresh", new { refresh_token = renewed.RefreshToken }, proof: null);
        stolen.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var problem = JsonDocument.Parse(await stolen.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("type").GetString().Should().Be(JwtSessionsProblemTypes.RefreshTokenReused);
    }

    [Test]
    public async Task DpopMode_SignInWithoutProof_BearerSessionAsBefore()
    {
        using var signedIn = await PostAsync("/signin", new { userName = SamplePage.DemoUserName, password = SamplePage.DemoPassword }, proof: null);
        var tokens = await TokensAsync(signedIn);

        tokens.TokenType.Should().Be("Bearer");
        using var me = await GetMeAsync("Bearer", tokens.AccessToken, proof: null);
        me.StatusCode.Should().Be(HttpStatusCode.OK, await me.Content.ReadAsStringAsync());
    }
}
