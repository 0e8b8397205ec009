using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Dpop;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.AspNetCore.Tests.Authentication;

/// <summary>
/// The handler's <c>DPoP</c> scheme (RFC 9449 §7) over real Kestrel: a bound session's access token with a proof of its key,
/// and the <c>WWW-Authenticate: DPoP</c> challenges and <c>DPoP-Nonce</c> of its refusals (docs/dpop.md).
/// </summary>
public sealed class DpopHandlerTests
{
    private const string Algs = "algs=\"ES256 EdDSA PS256 RS256\"";

    private static async Task<TestApp> StartAsync(bool nonces = false, bool dpop = true)
    {
        var clock = new FakeTimeProvider(TestApp.Start);
        return await TestApp.StartAsync(options =>
        {
            options.Time = clock;
            if (dpop)
            {
                var proofOptions = new DpopProofValidatorOptions();
                if (nonces)
                {
                    proofOptions.NonceKey = new byte[DpopProofValidatorOptions.MinNonceKeyBytes];
                    System.Security.Cryptography.RandomNumberGenerator.Fill(proofOptions.NonceKey);
                }

                options.Manager = manager => manager.DpopProofValidator = new DpopProofValidator(
                    proofOptions, new InMemoryDpopReplayCache(timeProvider: clock), clock);
            }
        });
    }

    private static async Task<TokenBody> SignInAsync(TestApp app, HttpClient client, SigningKey key, string? nonce = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sign-in?sub=alice");
        request.Headers.Add("DPoP", DpopProof.Create(key, "POST", new Uri(app.BaseAddress, "/sign-in"), app.Time.GetUtcNow(), nonce: nonce));
        using var response = await client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenBody>())!;
    }

    private static Task<HttpResponseMessage> GetMeAsync(HttpClient client, string accessToken, string? proof)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", accessToken);
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        return client.SendAsync(request);
    }

    private static string ProofForMe(TestApp app, SigningKey key, string accessToken, string? nonce = null)
        => DpopProof.Create(key, "GET", new Uri(app.BaseAddress, "/me"), app.Time.GetUtcNow(), accessToken, nonce);

    private static string DpopChallenge(string error, string description)
        => $"DPoP error=\"{error}\", error_description=\"{description}\", {Algs}";

    [Test]
    public async Task HandleAuthenticate_DpopSchemeWithProofOfKey_Authenticated()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var tokens = await SignInAsync(app, client, key);

        using var response = await GetMeAsync(client, tokens.AccessToken!, ProofForMe(app, key, tokens.AccessToken!));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Headers.Contains("WWW-Authenticate").Should().BeFalse();
        response.Headers.Contains("DPoP-Nonce").Should().BeFalse();
        (await response.Content.ReadAsStringAsync()).Should().Contain("alice");
    }

    [Test]
    public async Task HandleAuthenticate_BoundTokenAsBearer_DpopInvalidTokenChallenge()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var tokens = await SignInAsync(app, client, key);

        using var response = await client.GetWithTokenAsync("/me", tokens.AccessToken!);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be(DpopChallenge("invalid_token", "The access token is bound to a DPoP key and needs a proof of it"));
        response.Headers.Contains("DPoP-Nonce").Should().BeFalse();
    }

    [Test]
    public async Task HandleAuthenticate_ProofOfAnotherKey_InvalidDpopProof()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        using var thief = SigningKey.Generate(JwtAlgorithm.ES256);
        var tokens = await SignInAsync(app, client, key);

        using var response = await GetMeAsync(client, tokens.AccessToken!, ProofForMe(app, thief, tokens.AccessToken!));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be(DpopChallenge("invalid_dpop_proof", "The DPoP proof is not of the access token's key"));
        response.Headers.Contains("DPoP-Nonce").Should().BeFalse();
    }

    [Test]
    public async Task HandleAuthenticate_ReplayedProof_InvalidDpopProof()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var tokens = await SignInAsync(app, client, key);
        var proof = ProofForMe(app, key, tokens.AccessToken!);
        using var first = await GetMeAsync(client, tokens.AccessToken!, proof);
        first.StatusCode.Should().Be(HttpStatusCode.OK);

        using var replayed = await GetMeAsync(client, tokens.AccessToken!, proof);

        replayed.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        replayed.Challenge().Should().Be(DpopChallenge("invalid_dpop_proof", "The DPoP proof is not valid"));
        replayed.Headers.Contains("DPoP-Nonce").Should().BeFalse();
    }

    [Test]
    public async Task HandleAuthenticate_DpopSchemeWithoutProof_InvalidDpopProof()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var tokens = await SignInAsync(app, client, key);

        using var response = await GetMeAsync(client, tokens.AccessToken!, proof: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be(DpopChallenge("invalid_dpop_proof", "The access token is bound to a DPoP key and needs a proof of it"));
    }

    [Test]
    public async Task HandleAuthenticate_ProofWithoutNonce_UseDpopNonceThenAcceptedWithIt()
    {
        await using var app = await StartAsync(nonces: true);
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var proofs = app.Services.GetRequiredService<IOptions<SessionManagerOptions>>().Value.DpopProofValidator!;
        var tokens = await SignInAsync(app, client, key, proofs.CreateNonce());

        using var refused = await GetMeAsync(client, tokens.AccessToken!, ProofForMe(app, key, tokens.AccessToken!));

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Challenge().Should().Be(DpopChallenge("use_dpop_nonce", "The DPoP proof needs the server's nonce"));
        var nonce = refused.Headers.GetValues("DPoP-Nonce").Should().ContainSingle().Subject;
        nonce.Should().HaveLength(32); // the stateless nonce: its second and a truncated HMAC, base64url

        using var accepted = await GetMeAsync(client, tokens.AccessToken!, ProofForMe(app, key, tokens.AccessToken!, nonce));
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        accepted.Headers.Contains("WWW-Authenticate").Should().BeFalse();
    }

    [Test]
    public async Task HandleAuthenticate_ValidatorFromAddJwtSessionsDpop_SignInAndHandlerShareIt()
    {
        var clock = new FakeTimeProvider(TestApp.Start);
        await using var app = await TestApp.StartAsync(options =>
        {
            options.Time = clock;
            options.Services = services => services.AddJwtSessionsDpop(dpop =>
            {
                dpop.NonceKey = new byte[DpopProofValidatorOptions.MinNonceKeyBytes];
                System.Security.Cryptography.RandomNumberGenerator.Fill(dpop.NonceKey);
            });
        });
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var proofs = app.Services.GetRequiredService<DpopProofValidator>();
        app.Services.GetRequiredService<IOptions<SessionManagerOptions>>().Value.DpopProofValidator.Should().BeNull();
        var tokens = await SignInAsync(app, client, key, proofs.CreateNonce());

        // The registered validator requires nonces: the handler asks for one, so it is the one checking the proof.
        using var refused = await GetMeAsync(client, tokens.AccessToken!, ProofForMe(app, key, tokens.AccessToken!));
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Challenge().Should().Be(DpopChallenge("use_dpop_nonce", "The DPoP proof needs the server's nonce"));

        var nonce = refused.Headers.GetValues("DPoP-Nonce").Single();
        using var accepted = await GetMeAsync(client, tokens.AccessToken!, ProofForMe(app, key, tokens.AccessToken!, nonce));
        accepted.StatusCode.Should().Be(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task HandleChallenge_NoCredentialWithDpop_BearerAndDpopChallenges()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetWithTokenAsync("/me", accessToken: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.GetValues("WWW-Authenticate").Should().Equal("Bearer", "DPoP " + Algs);
    }

    [Test]
    public async Task HandleAuthenticate_DpopSchemeWithoutProofValidator_InvalidRequest()
    {
        await using var app = await StartAsync(dpop: false);
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);

        using var response = await GetMeAsync(client, "abc.def.ghi", ProofForMe(app, key, "abc.def.ghi"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_request\", error_description=\"The Authorization header is not a Bearer credential\"");
    }

    [Test]
    public async Task Refresh_ProofWithoutNonce_BadRequestWithNonceThenRefreshed()
    {
        await using var app = await StartAsync(nonces: true);
        using var client = app.CreateClient();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        var proofs = app.Services.GetRequiredService<IOptions<SessionManagerOptions>>().Value.DpopProofValidator!;
        var tokens = await SignInAsync(app, client, key, proofs.CreateNonce());
        var refreshUri = new Uri(app.BaseAddress, "/auth/refresh");

        using var refused = await RefreshAsync(client, tokens.RefreshToken!, DpopProof.Create(key, "POST", refreshUri, app.Time.GetUtcNow()));

        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("use_dpop_nonce");
        var nonce = refused.Headers.GetValues("DPoP-Nonce").Should().ContainSingle().Subject;

        using var refreshed = await RefreshAsync(client, tokens.RefreshToken!, DpopProof.Create(key, "POST", refreshUri, app.Time.GetUtcNow(), nonce: nonce));
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK, await refreshed.Content.ReadAsStringAsync());
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken, string proof)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/auth/refresh")
        {
            Content = JsonContent.Create(new Dictionary<string, string> { ["refresh_token"] = refreshToken }),
        };
        request.Headers.Add("DPoP", proof);
        return client.SendAsync(request);
    }
}
