using System.Net;
using System.Net.Http.Json;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Dpop;
using JwtSessions.Signing;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>DPoP-bound sessions over real Kestrel: the sign-in helper and the refresh endpoint pass the request's proof, method and URI.</summary>
public sealed class DpopEndpointTests
{
    private static async Task<TestApp> StartAsync()
    {
        var clock = new FakeTimeProvider(TestApp.Start);
        return await TestApp.StartAsync(options =>
        {
            options.Time = clock;
            options.Manager = manager => manager.DpopProofValidator = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: clock);
        });
    }

    private static async Task<HttpResponseMessage> SignInAsync(TestApp app, HttpClient client, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sign-in?sub=alice");
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh")
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["refresh_token"] = refreshToken }),
        };
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        return await client.SendAsync(request);
    }

    [Test]
    public async Task SignIn_WithProof_BindsSessionAndRefreshNeedsSameKey()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var signIn = new Uri(app.BaseAddress, "/sign-in");
        var refresh = new Uri(app.BaseAddress, "/auth/refresh");

        using var signedIn = await SignInAsync(app, client, DpopProof.Create(key, "POST", signIn, app.Time.GetUtcNow()));
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        var tokens = (await signedIn.Content.ReadFromJsonAsync<TokenBody>())!;
        tokens.TokenType.Should().Be("DPoP", "RFC 9449 §5: the response names a bound token's type");

        // The access token is bound: as a bearer token it is refused.
        using var asBearer = await client.GetWithTokenAsync("/me", tokens.AccessToken);
        asBearer.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        using var refreshed = await RefreshAsync(client, tokens.RefreshToken!, DpopProof.Create(key, "POST", refresh, app.Time.GetUtcNow()));
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK, await refreshed.Content.ReadAsStringAsync());
        (await refreshed.Content.ReadFromJsonAsync<TokenBody>())!.TokenType.Should().Be("DPoP");
    }

    [Test]
    public async Task Refresh_BoundSessionWithoutProof_RefreshTokenReused()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        using var signedIn = await SignInAsync(app, client, DpopProof.Create(key, "POST", new Uri(app.BaseAddress, "/sign-in"), app.Time.GetUtcNow()));
        var tokens = (await signedIn.Content.ReadFromJsonAsync<TokenBody>())!;

        using var stolen = await RefreshAsync(client, tokens.RefreshToken!, proof: null);

        stolen.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await stolen.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.RefreshTokenReused);
    }

    [Test]
    public async Task SignIn_ProofForAnotherUri_BadRequest()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);

        using var response = await SignInAsync(app, client, DpopProof.Create(key, "POST", new Uri(app.BaseAddress, "/elsewhere"), app.Time.GetUtcNow()));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("invalid_dpop_proof").And.Contain("uri_mismatch");
    }
}
