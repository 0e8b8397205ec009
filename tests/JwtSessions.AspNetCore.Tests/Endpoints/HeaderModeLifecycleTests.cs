using System.Net;
using System.Net.Http.Json;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>The session endpoints in header mode (mobile clients), on real Kestrel.</summary>
public sealed class HeaderModeLifecycleTests
{
    [Test]
    public async Task Lifecycle_SignInCallRefreshLogoutLogoutEverywhere_EachStepAnswersAsDocumented()
    {
        await using var app = await TestApp.StartAsync();
        using var phone = app.CreateClient();
        using var tablet = app.CreateClient();

        // Sign-in: both tokens in the body, never cached.
        using var signIn = await phone.SendSignInAsync("alice");
        signIn.StatusCode.Should().Be(HttpStatusCode.OK);
        signIn.Headers.CacheControl!.NoStore.Should().BeTrue();
        var first = (await signIn.Content.ReadFromJsonAsync<TokenBody>())!;
        first.TokenType.Should().Be("Bearer");
        first.AccessToken.Should().NotBeNullOrEmpty();
        first.RefreshToken.Should().NotBeNullOrEmpty();
        first.ExpiresIn.Should().Be(300);
        first.CsrfToken.Should().BeNull("header mode has no cookies to defend");
        signIn.Headers.Contains("Set-Cookie").Should().BeFalse();

        using (var me = await phone.GetWithTokenAsync("/me", first.AccessToken))
        {
            me.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        // Refresh: a new pair; the new access token works.
        app.Time.Advance(TimeSpan.FromMinutes(4));
        using var refresh = await phone.RefreshAsync(first.RefreshToken!);
        refresh.StatusCode.Should().Be(HttpStatusCode.OK);
        var second = (await refresh.Content.ReadFromJsonAsync<TokenBody>())!;
        second.RefreshToken.Should().NotBe(first.RefreshToken);
        second.SessionId.Should().Be(first.SessionId);
        using (var me = await phone.GetWithTokenAsync("/me", second.AccessToken))
        {
            me.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        // Logout: the session ends; its access token is refused at once, its refresh token too.
        using (var logout = await phone.SendWithTokenAsync(HttpMethod.Post, "/auth/logout", second.AccessToken!))
        {
            logout.StatusCode.Should().Be(HttpStatusCode.NoContent);
        }

        using (var me = await phone.GetWithTokenAsync("/me", second.AccessToken))
        {
            me.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            me.Challenge().Should().Contain("error_description=\"The access token's session was revoked\"");
        }

        using (var again = await phone.RefreshAsync(second.RefreshToken!))
        {
            again.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await again.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.SessionEnded);
        }

        // Logout everywhere: two live sessions end together.
        var onPhone = await phone.SignInAsync("alice");
        var onTablet = await tablet.SignInAsync("alice");
        using (var everywhere = await phone.SendWithTokenAsync(HttpMethod.Post, "/auth/logout-all", onPhone.AccessToken!))
        {
            everywhere.StatusCode.Should().Be(HttpStatusCode.OK);
            (await everywhere.Content.ReadFromJsonAsync<Dictionary<string, int>>())!["revoked"].Should().Be(2);
        }

        using (var me = await tablet.GetWithTokenAsync("/me", onTablet.AccessToken))
        {
            me.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            me.Challenge().Should().Contain("error_description=\"The access token's session was revoked\"");
        }

        using (var tabletRefresh = await tablet.RefreshAsync(onTablet.RefreshToken!))
        {
            tabletRefresh.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await tabletRefresh.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.SessionEnded);
        }
    }

    [Test]
    public async Task Refresh_ReuseFromSecondClient_Answers401AndEndsTheSession()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = app.CreateClient();
        using var thief = app.CreateClient();
        var stolen = await owner.SignInAsync("alice");
        using (var rotated = await owner.RefreshAsync(stolen.RefreshToken!))
        {
            rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var current = (await (await owner.RefreshAsync(stolen.RefreshToken!)).Content.ReadFromJsonAsync<TokenBody>())!;

        // Past the grace period, the old refresh token from another client is a replay.
        app.Time.Advance(TimeSpan.FromSeconds(11));
        using var replay = await thief.RefreshAsync(stolen.RefreshToken!);

        replay.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await replay.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.RefreshTokenReused);
        var session = await app.Services.GetRequiredService<SessionManager>().Store.GetAsync(stolen.SessionId!);
        session!.RevokedAt.Should().NotBeNull("reuse ends the whole session");
        using var ownerRefresh = await owner.RefreshAsync(current.RefreshToken!);
        ownerRefresh.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ownerRefresh.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.SessionEnded);
        using var call = await owner.GetWithTokenAsync("/me", current.AccessToken);
        call.Challenge().Should().Contain("error_description=\"The access token's session was revoked\"");
    }

    [Test]
    public async Task Refresh_GarbageToken_AnswersInvalidRefreshToken()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.RefreshAsync("garbage");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.InvalidRefreshToken);
    }

    [Test]
    public async Task Refresh_NoToken_AnswersInvalidRefreshToken()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/refresh", content: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.InvalidRefreshToken);
    }

    [Test]
    public async Task Refresh_NotJson_AnswersBadRequest()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/refresh", new StringContent("refresh_token=x"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.BadRequest);
    }

    [Test]
    public async Task SignIn_CookieTransportNotAllowed_AnswersBadRequest()
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendSignInAsync("alice", transport: "cookie");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.BadRequest);
    }
}
