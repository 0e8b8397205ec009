using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Signing;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>"My sessions" (list, revoke one) with their metadata, and the JWKS endpoint's caching.</summary>
public sealed class SessionsAndJwksTests
{
    [Test]
    public async Task ListSessions_TwoDevices_ShowsMetadataAndMarksTheCurrentOne()
    {
        await using var app = await TestApp.StartAsync();
        using var phone = app.CreateClient();
        using var laptop = app.CreateClient();
        phone.DefaultRequestHeaders.UserAgent.ParseAdd("PhoneApp/1.0");
        phone.DefaultRequestHeaders.Add("X-Device-Name", "Alice's phone");
        laptop.DefaultRequestHeaders.UserAgent.ParseAdd("Laptop/2.0");
        var onPhone = await phone.SignInAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var onLaptop = await laptop.SignInAsync("alice");
        await laptop.SignInAsync("bob");

        var sessions = await ListAsync(phone, onPhone.AccessToken!);

        sessions.Should().HaveCount(2, "bob's session is not alice's");
        var mine = sessions.Single(s => s.GetProperty("id").GetString() == onPhone.SessionId);
        mine.GetProperty("current").GetBoolean().Should().BeTrue();
        mine.GetProperty("device_name").GetString().Should().Be("Alice's phone");
        mine.GetProperty("user_agent").GetString().Should().Be("PhoneApp/1.0");
        mine.GetProperty("ip_address").GetString().Should().Be("127.0.0.1");
        mine.GetProperty("client_id").GetString().Should().Be("test-client");
        mine.GetProperty("created_at").GetDateTimeOffset().Should().Be(TestApp.Start);
        var other = sessions.Single(s => s.GetProperty("id").GetString() == onLaptop.SessionId);
        other.GetProperty("current").GetBoolean().Should().BeFalse();
        other.GetProperty("user_agent").GetString().Should().Be("Laptop/2.0");
        other.GetProperty("created_at").GetDateTimeOffset().Should().Be(TestApp.Start.AddMinutes(1));
    }

    [Test]
    public async Task ListSessions_AfterRefreshFromElsewhere_ShowsTheLatestUserAgentAndTime()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.UserAgent.ParseAdd("App/1.0");
        var tokens = await client.SignInAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(3));
        using var upgraded = app.CreateClient();
        upgraded.DefaultRequestHeaders.UserAgent.ParseAdd("App/2.0");
        using var refresh = await upgraded.RefreshAsync(tokens.RefreshToken!);
        var refreshed = (await refresh.Content.ReadFromJsonAsync<TokenBody>())!;

        var session = (await ListAsync(client, refreshed.AccessToken!)).Single();

        session.GetProperty("user_agent").GetString().Should().Be("App/2.0");
        session.GetProperty("last_seen_at").GetDateTimeOffset().Should().Be(TestApp.Start.AddMinutes(3));
        session.GetProperty("created_at").GetDateTimeOffset().Should().Be(TestApp.Start);
    }

    [Test]
    public async Task RevokeSession_MyOtherDevice_EndsItOnly()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        var here = await client.SignInAsync("alice");
        var there = await client.SignInAsync("alice");

        using var response = await client.SendWithTokenAsync(HttpMethod.Delete, "/auth/sessions/" + there.SessionId, here.AccessToken!);

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        using (var revoked = await client.GetWithTokenAsync("/me", there.AccessToken))
        {
            revoked.Challenge().Should().Contain("session was revoked");
        }

        using var stillHere = await client.GetWithTokenAsync("/me", here.AccessToken);
        stillHere.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task RevokeSession_SomeoneElses_AnswersNotFoundAndLeavesItAlone()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        var mallory = await client.SignInAsync("mallory");
        var alice = await client.SignInAsync("alice");

        using var response = await client.SendWithTokenAsync(HttpMethod.Delete, "/auth/sessions/" + alice.SessionId, mallory.AccessToken!);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.SessionNotFound);
        using var aliceCall = await client.GetWithTokenAsync("/me", alice.AccessToken);
        aliceCall.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task RevokeSession_Unknown_AnswersNotFound()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");

        using var response = await client.SendWithTokenAsync(HttpMethod.Delete, "/auth/sessions/no-such-session", tokens.AccessToken!);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.SessionNotFound);
    }

    [Test]
    public async Task ListSessions_WithoutToken_Challenges()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/auth/sessions");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer");
    }

    [Test]
    public async Task Jwks_Es256Keys_PublishesPublicKeysWithCacheHeaders()
    {
        await using var app = await TestApp.StartAsync(static o => o.AccessKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.ES256, "es-1")));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/.well-known/jwks.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/jwk-set+json");
        response.Headers.CacheControl!.Public.Should().BeTrue();
        response.Headers.CacheControl.MaxAge.Should().Be(TimeSpan.FromMinutes(5));
        response.Headers.ETag!.IsWeak.Should().BeFalse();
        using var jwks = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var key = jwks.RootElement.GetProperty("keys").EnumerateArray().Should().ContainSingle().Subject;
        key.GetProperty("kid").GetString().Should().Be("es-1");
        key.TryGetProperty("d", out _).Should().BeFalse("a JWKS never carries a private key");
    }

    [Test]
    public async Task Jwks_IfNoneMatchCurrentETag_Answers304()
    {
        await using var app = await TestApp.StartAsync(static o => o.AccessKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.ES256, "es-1")));
        using var client = app.CreateClient();
        using var first = await client.GetAsync("/.well-known/jwks.json");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.NotModified);
        response.Headers.ETag.Should().Be(first.Headers.ETag);
        (await response.Content.ReadAsByteArrayAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Jwks_IfNoneMatchOtherETag_AnswersTheSet()
    {
        await using var app = await TestApp.StartAsync(static o => o.AccessKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.ES256, "es-1")));
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"stale\""));

        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Jwks_HmacKeys_PublishesNoSecret()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/.well-known/jwks.json");

        using var jwks = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        jwks.RootElement.GetProperty("keys").GetArrayLength().Should().Be(0);
    }

    private static async Task<JsonElement[]> ListAsync(HttpClient client, string accessToken)
    {
        using var response = await client.GetWithTokenAsync("/auth/sessions", accessToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. document.RootElement.EnumerateArray().Select(static e => e.Clone())];
    }
}
