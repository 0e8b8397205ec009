using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.AspNetCore.Tests.Authentication;

/// <summary>
/// The bearer handler on real Kestrel: the principal it builds, and each refusal with its exact RFC 6750
/// <c>WWW-Authenticate</c> answer (docs/aspnetcore.md, "Failures").
/// </summary>
public sealed class BearerHandlerTests
{
    private TestApp _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _app = await TestApp.StartAsync();
        _client = _app.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Test]
    public async Task Authenticate_ValidToken_BuildsPrincipalFromClaims()
    {
        var tokens = await _client.SignInAsync("alice", scope: "orders:read profile");

        using var response = await _client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var me = await response.Content.ReadFromJsonAsync<Dictionary<string, string[]>>();
        me!["sub"].Should().Equal("alice");
        me["name"].Should().Equal("alice");
        me["sid"].Should().Equal(tokens.SessionId);
        me["client_id"].Should().Equal("test-client");
        me["scope"].Should().Equal("orders:read", "profile");
    }

    [Test]
    public async Task Authenticate_NoAuthorizationHeader_ChallengesWithoutError()
    {
        using var response = await _client.GetWithTokenAsync("/me", accessToken: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer");
    }

    [Test]
    public async Task Authenticate_OtherScheme_IsNotJudgedAndChallengesWithoutError()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "YWxpY2U6cw==");
        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer");
    }

    [Test]
    public async Task Authenticate_ExpiredToken_AnswersExpiredDescription()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(31));

        using var response = await client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token expired\"");
    }

    [Test]
    public async Task Authenticate_TamperedSignature_AnswersBadSignature()
    {
        var tokens = await _client.SignInAsync("alice");
        var token = tokens.AccessToken!;
        var last = token[^2] == 'A' ? 'B' : 'A';
        var tampered = string.Concat(token.AsSpan(0, token.Length - 2), new string(last, 1), token.AsSpan(token.Length - 1));

        using var response = await _client.GetWithTokenAsync("/me", tampered);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token's signature is invalid\"");
    }

    [Test]
    public async Task Authenticate_RefreshTokenAsBearer_AnswersWrongType()
    {
        var tokens = await _client.SignInAsync("alice");

        using var response = await _client.GetWithTokenAsync("/me", tokens.RefreshToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The token is not an access token\"");
    }

    [Test]
    public async Task Authenticate_RevokedSession_AnswersRevoked()
    {
        var tokens = await _client.SignInAsync("alice");
        using (var logout = await _client.SendWithTokenAsync(HttpMethod.Post, "/auth/logout", tokens.AccessToken!))
        {
            logout.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        using var response = await _client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token's session was revoked\"");
    }

    [Test]
    public async Task Authenticate_Garbage_AnswersMalformed()
    {
        using var response = await _client.GetWithTokenAsync("/me", "not-a-jwt");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token is malformed\"");
    }

    [Test]
    public async Task Authenticate_BearerWithoutToken_AnswersInvalidRequest()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer");
        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_request\", error_description=\"The Authorization header is not a Bearer credential\"");
    }

    [Test]
    public async Task Authenticate_TokenNearTheSizeCap_IsAccepted()
    {
        // The handler decodes into a buffer the size of the credential: a token just under the 8 KiB cap, its payload nearly
        // all of it, must still fit.
        var scopes = Enumerable.Range(0, 600).Select(i => "s" + i.ToString("D7", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var tokens = await _client.SignInAsync("alice", scope: string.Join(' ', scopes));
        tokens.AccessToken!.Length.Should().BeInRange(7_000, 8 * 1024);

        using var response = await _client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var me = await response.Content.ReadFromJsonAsync<Dictionary<string, string[]>>();
        me!["scope"].Should().Equal(scopes);
    }

    [Test]
    public async Task Authenticate_OversizedToken_AnswersTooLarge()
    {
        using var response = await _client.GetWithTokenAsync("/me", new string('a', 8 * 1024 + 1));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token is too large\"");
    }

    [Test]
    public async Task Authorize_MissingScope_Answers403InsufficientScope()
    {
        var tokens = await _client.SignInAsync("alice", scope: "profile");

        using var response = await _client.GetWithTokenAsync("/orders", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Challenge().Should().Be(
            "Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a required scope\", scope=\"orders:read\"");
    }

    [Test]
    public async Task Authorize_GrantedScope_Succeeds()
    {
        var tokens = await _client.SignInAsync("alice", scope: "orders:read");

        using var response = await _client.GetWithTokenAsync("/orders", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("orders");
    }

    [Test]
    public async Task Authorize_ScopeEndpointWithoutToken_ChallengesNotForbids()
    {
        using var response = await _client.GetWithTokenAsync("/orders", accessToken: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer");
    }

    [Test]
    public void Descriptions_EveryValidationError_HasItsOwnStableSentence()
    {
        var seen = new Dictionary<string, TokenValidationError>();
        foreach (var error in Enum.GetValues<TokenValidationError>())
        {
            if (error is TokenValidationError.None or TokenValidationError.NotValidated)
            {
                continue;
            }

            var description = Internal.BearerErrors.Description(error);
            seen.Should().NotContainKey(description, $"{error} needs a description of its own");
            seen[description] = error;
            description.Should().NotContain("\"").And.NotContain("\\");
        }
    }
}
