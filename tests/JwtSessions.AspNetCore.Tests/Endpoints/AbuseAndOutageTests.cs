using System.Net;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Tests.Support;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>Rate limits (429), store outages (503), and garbage refused before any store call.</summary>
public sealed class AbuseAndOutageTests
{
    [Test]
    public async Task Refresh_OverTheLimit_Answers429WithRetryAfterBeforeAnyStoreCall()
    {
        await using var app = await TestApp.StartAsync(out var store, static o => o.Endpoints = static e => e.RateLimits.RefreshPermitLimit = 2);
        using var client = app.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await client.RefreshAsync("garbage");
            allowed.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var calls = store.Calls;
        using var response = await client.RefreshAsync("garbage");

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.RateLimited);
        int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(1, 60);
        store.Calls.Should().Be(calls);
    }

    [Test]
    public async Task Refresh_OverTheLimit_WindowFollowsTheApplicationsClock()
    {
        await using var app = await TestApp.StartAsync(static o => o.Endpoints = static e => e.RateLimits.RefreshPermitLimit = 1);
        using var client = app.CreateClient();
        using (var allowed = await client.RefreshAsync("garbage"))
        {
            allowed.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using var limited = await client.RefreshAsync("garbage");
        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.GetValues("Retry-After").Should().Equal(["60"], "the clock stands at the start of a one-minute window");
        var problem = await limited.ProblemAsync();
        problem.Type.Should().Be(JwtSessionsProblemTypes.RateLimited);
        problem.Status.Should().Be(429);
        problem.Title.Should().Be("Too many requests");

        app.Time.Advance(TimeSpan.FromSeconds(45));
        using var stillLimited = await client.RefreshAsync("garbage");
        stillLimited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        stillLimited.Headers.GetValues("Retry-After").Should().Equal("15");

        app.Time.Advance(TimeSpan.FromSeconds(15));
        using var nextWindow = await client.RefreshAsync("garbage");
        nextWindow.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a new window on the application's clock has its permits again");
    }

    [Test]
    public async Task SignIn_OverTheLimit_Answers429()
    {
        await using var app = await TestApp.StartAsync(out var store, static o => o.Endpoints = static e => e.RateLimits.SignInPermitLimit = 1);
        using var client = app.CreateClient();
        await client.SignInAsync("alice");

        using var response = await client.SendSignInAsync("alice");

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.RateLimited);
        response.Headers.Contains("Retry-After").Should().BeTrue();
        store.Creates.Should().Be(1, "the filter counts the request once, and the helper does not count it again");
    }

    [Test]
    public async Task Refresh_LimitsDisabled_NeverAnswers429()
    {
        await using var app = await TestApp.StartAsync(static o => o.Endpoints = static e =>
        {
            e.RateLimits.RefreshPermitLimit = 1;
            e.RateLimits.Enabled = false;
        });
        using var client = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.RefreshAsync("garbage");
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    [Test]
    public async Task SignIn_StoreDown_Answers503WithRetryAfter()
    {
        await using var app = await TestApp.StartAsync(out var store);
        using var client = app.CreateClient();
        store.Faults = StoreFaults.Create;

        using var response = await client.SendSignInAsync("alice");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.StoreUnavailable);
        response.Headers.GetValues("Retry-After").Should().Equal("5");
    }

    [Test]
    public async Task Revocations_FeedDown_Answers503ProblemWithRetryAfterThenPagesAgain()
    {
        await using var app = await TestApp.StartAsync(out var store);
        using var client = app.CreateClient();
        store.SetFeedAvailable(false);

        using (var response = await client.GetAsync(new Uri("/auth/revocations", UriKind.Relative)))
        {
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.StoreUnavailable);
            response.Headers.GetValues("Retry-After").Should().Equal("5");
        }

        store.SetFeedAvailable(true);
        using var recovered = await client.GetAsync(new Uri("/auth/revocations", UriKind.Relative));
        recovered.StatusCode.Should().Be(HttpStatusCode.OK);
        recovered.Headers.ETag.Should().NotBeNull();
    }

    [Test]
    public async Task Refresh_StoreDown_Answers503WithRetryAfter()
    {
        await using var app = await TestApp.StartAsync(out var store);
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        store.Faults = StoreFaults.Rotate | StoreFaults.Get;

        using var response = await client.RefreshAsync(tokens.RefreshToken!);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.StoreUnavailable);
        response.Headers.GetValues("Retry-After").Should().Equal("5");

        store.Faults = StoreFaults.None;
        using var retry = await client.RefreshAsync(tokens.RefreshToken!);
        retry.StatusCode.Should().Be(HttpStatusCode.OK, "nothing was changed by the failed attempt");
    }

    [Test]
    public async Task LogoutEverywhere_StoreDown_Answers503()
    {
        await using var app = await TestApp.StartAsync(out var store);
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        store.Faults = StoreFaults.List | StoreFaults.Revoke;

        using var response = await client.SendWithTokenAsync(HttpMethod.Post, "/auth/logout-all", tokens.AccessToken!);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.StoreUnavailable);
    }

    [Test]
    public async Task Authenticate_GarbageAndOversizedHeaders_NeverReachTheStore()
    {
        await using var app = await TestApp.StartAsync(out var store);
        using var client = app.CreateClient();
        var calls = store.Calls;

        foreach (var value in new[] { "Bearer " + new string('x', 20_000), "Bearer a.b.c", "Bearer !!!", "Bearer  two-spaces", "Bearer" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
            request.Headers.TryAddWithoutValidation("Authorization", value);
            using var response = await client.SendAsync(request);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            response.Challenge().Should().StartWith("Bearer error=");
        }

        store.Calls.Should().Be(calls);
    }
}
