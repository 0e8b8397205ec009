using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace JwtSessions.AspNetCore.Tests.Authentication;

/// <summary>
/// The bearer handler's events on real Kestrel (docs/aspnetcore.md, "Events"): each callback is raised with what it
/// documents, and what it decides is the exact answer the client gets.
/// </summary>
public sealed class BearerEventsTests
{
    private const string Tampered = "Bearer error=\"invalid_token\", error_description=\"The access token's signature is invalid\"";

    [Test]
    public async Task OnMessageReceived_TokenFromQuery_AuthenticatesThatToken()
    {
        await using var app = await StartWithQueryTokensAsync();
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");

        using var response = await client.GetAsync("/me?access_token=" + tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<Dictionary<string, string[]>>())!["sub"].Should().Equal("alice");
    }

    [Test]
    public async Task OnMessageReceived_TamperedTokenFromQuery_AnswersBadSignature()
    {
        await using var app = await StartWithQueryTokensAsync();
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");

        using var response = await client.GetAsync("/me?access_token=" + Tamper(tokens.AccessToken!));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be(Tampered);
    }

    [Test]
    public async Task OnMessageReceived_NoTokenSet_ReadsTheAuthorizationHeader()
    {
        var raised = new Counter();
        await using var app = await StartAsync(events => events.OnMessageReceived = raised.Count);
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        raised.Reset();

        using var response = await client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        raised.Value.Should().Be(1);
    }

    [Test]
    public async Task OnMessageReceived_Fail_AnswersInvalidTokenWithoutValidating()
    {
        await using var app = await StartAsync(static events => events.OnMessageReceived = static context =>
        {
            context.Fail("refused by the application");
            return Task.CompletedTask;
        });
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");

        using var response = await client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\"");
    }

    [Test]
    public async Task OnTokenValidated_Fail_RefusesAValidToken()
    {
        await using var app = await StartAsync(static events => events.OnTokenValidated = static context =>
        {
            if (context.Claims.Subject == "mallory")
            {
                context.Fail("locked out");
            }

            return Task.CompletedTask;
        });
        using var client = app.CreateClient();
        var mallory = await client.SignInAsync("mallory");
        var alice = await client.SignInAsync("alice");

        using var refused = await client.GetWithTokenAsync("/me", mallory.AccessToken);
        using var accepted = await client.GetWithTokenAsync("/me", alice.AccessToken);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Challenge().Should().Be("Bearer error=\"invalid_token\"");
        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task OnTokenValidated_AddClaim_ReachesTheEndpoint()
    {
        await using var app = await StartAsync(static events => events.OnTokenValidated = static context =>
        {
            var identity = (ClaimsIdentity)context.Principal!.Identity!;
            identity.AddClaim(new Claim("tenant", "t-" + context.Claims.Subject));
            return Task.CompletedTask;
        });
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice", scope: "profile");

        using var response = await client.GetWithTokenAsync("/claims", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<string[]>()).Should().Contain(["sub=alice", "scope=profile", "tenant=t-alice"]);
    }

    [Test]
    public async Task OnTokenValidated_ExpiredToken_IsNotRaised()
    {
        var raised = new Counter();
        await using var app = await StartAsync(events => events.OnTokenValidated = raised.Count);
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(6));

        using var response = await client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token expired\"");
        raised.Value.Should().Be(0);
    }

    [Test]
    public async Task OnAuthenticationFailed_TamperedToken_IsRaisedWithBadSignature()
    {
        var errors = new List<TokenValidationError>();
        await using var app = await StartAsync(events => events.OnAuthenticationFailed = context =>
        {
            lock (errors)
            {
                errors.Add(context.Error);
            }

            return Task.CompletedTask;
        });
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");

        using var response = await client.GetWithTokenAsync("/me", Tamper(tokens.AccessToken!));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be(Tampered);
        errors.Should().Equal(TokenValidationError.BadSignature);
    }

    [Test]
    public async Task OnAuthenticationFailed_ValidToken_IsNotRaised()
    {
        var raised = new Counter();
        await using var app = await StartAsync(events => events.OnAuthenticationFailed = raised.Count);
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");

        using var response = await client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        raised.Value.Should().Be(0);
    }

    [Test]
    public async Task OnChallenge_ChangedDescription_IsWrittenInTheHeader()
    {
        TokenValidationError? seen = null;
        await using var app = await StartAsync(events => events.OnChallenge = context =>
        {
            seen = context.ValidationError;
            context.ErrorDescription = "Refresh, then retry";
            return Task.CompletedTask;
        });
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(6));

        using var response = await client.GetWithTokenAsync("/me", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"Refresh, then retry\"");
        seen.Should().Be(TokenValidationError.Expired);
    }

    [Test]
    public async Task OnChallenge_HandleResponse_WritesOnlyTheApplicationsAnswer()
    {
        await using var app = await StartAsync(static events => events.OnChallenge = static async context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers["X-Sign-In"] = "/login";
            await context.Response.WriteAsync("sign in");
        });
        using var client = app.CreateClient();

        using var response = await client.GetWithTokenAsync("/me", "not-a-token");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.Contains("WWW-Authenticate").Should().BeFalse();
        response.Headers.GetValues("X-Sign-In").Should().Equal("/login");
        (await response.Content.ReadAsStringAsync()).Should().Be("sign in");
    }

    [Test]
    public async Task OnChallenge_HandleResponseWithoutWriting_SuppressesTheChallenge()
    {
        await using var app = await StartAsync(static events => events.OnChallenge = static context =>
        {
            context.HandleResponse();
            return Task.CompletedTask;
        });
        using var client = app.CreateClient();

        using var response = await client.GetWithTokenAsync("/me", accessToken: null);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the handler wrote nothing and the endpoint did not run");
        response.Headers.Contains("WWW-Authenticate").Should().BeFalse();
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task OnForbidden_MissingScope_SeesTheRequiredScopes()
    {
        IReadOnlyList<string>? scopes = null;
        await using var app = await StartAsync(events => events.OnForbidden = context =>
        {
            scopes = context.RequiredScopes;
            return Task.CompletedTask;
        });
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice", scope: "profile");

        using var response = await client.GetWithTokenAsync("/orders", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Challenge().Should().Be(
            "Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a required scope\", scope=\"orders:read\"");
        scopes.Should().Equal("orders:read");
    }

    [Test]
    public async Task OnForbidden_HandleResponse_WritesOnlyTheApplicationsAnswer()
    {
        await using var app = await StartAsync(static events => events.OnForbidden = static async context =>
        {
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsJsonAsync(new { missing = context.RequiredScopes });
        });
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice", scope: "profile");

        using var response = await client.GetWithTokenAsync("/orders", tokens.AccessToken);

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Headers.Contains("WWW-Authenticate").Should().BeFalse();
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"missing\":[\"orders:read\"]}");
    }

    [Test]
    public async Task Events_DerivedClass_OverridesAreRaised()
    {
        var events = new CountingEvents();
        await using var app = await TestApp.StartAsync(options => options.Bearer = bearer => bearer.Events = events);
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");

        using var accepted = await client.GetWithTokenAsync("/me", tokens.AccessToken);
        using var refused = await client.GetWithTokenAsync("/me", Tamper(tokens.AccessToken!));

        accepted.StatusCode.Should().Be(HttpStatusCode.OK);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        events.Counts.Should().Equal([3, 1, 1, 1], "the sign-in request is authenticated too (it carries no token)");
    }

    private static Task<TestApp> StartAsync(Action<JwtSessionsBearerEvents> configure)
        => TestApp.StartAsync(options => options.Bearer = bearer =>
        {
            var events = new JwtSessionsBearerEvents();
            configure(events);
            bearer.Events = events;
        });

    /// <summary>
    /// Takes the token from <c>access_token</c> in the query, with the framework's request lines (which print the query
    /// string at Information) raised to Warning, as docs/aspnetcore.md tells an application doing so.
    /// </summary>
    private static Task<TestApp> StartWithQueryTokensAsync() => TestApp.StartAsync(options =>
    {
        options.Bearer = bearer => bearer.Events = new JwtSessionsBearerEvents { OnMessageReceived = TokenFromQuery };
        options.Logging = logging => logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
    });

    private static Task TokenFromQuery(JwtSessionsMessageReceivedContext context)
    {
        context.Token = context.Request.Query["access_token"];
        return Task.CompletedTask;
    }

    private static string Tamper(string token)
    {
        var last = token[^2] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, token.Length - 2), new string(last, 1), token.AsSpan(token.Length - 1));
    }

    /// <summary>Counts the raises of one callback.</summary>
    private sealed class Counter
    {
        private int _value;

        public int Value => Volatile.Read(ref _value);

        public Task Count(object context)
        {
            Interlocked.Increment(ref _value);
            return Task.CompletedTask;
        }

        public void Reset() => Interlocked.Exchange(ref _value, 0);
    }

    /// <summary>Counts message-received, token-validated, authentication-failed and challenge, in that order.</summary>
    private sealed class CountingEvents : JwtSessionsBearerEvents
    {
        private readonly int[] _counts = new int[4];

        public int[] Counts => _counts;

        public override Task MessageReceived(JwtSessionsMessageReceivedContext context)
        {
            Interlocked.Increment(ref _counts[0]);
            return base.MessageReceived(context);
        }

        public override Task TokenValidated(JwtSessionsTokenValidatedContext context)
        {
            Interlocked.Increment(ref _counts[1]);
            return base.TokenValidated(context);
        }

        public override Task AuthenticationFailed(JwtSessionsAuthenticationFailedContext context)
        {
            Interlocked.Increment(ref _counts[2]);
            return base.AuthenticationFailed(context);
        }

        public override Task Challenge(JwtSessionsChallengeContext context)
        {
            Interlocked.Increment(ref _counts[3]);
            return base.Challenge(context);
        }
    }
}
