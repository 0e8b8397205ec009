using System.Net;
using System.Net.Http.Json;
using JwtSessions.Anomalies;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>
/// The anomaly detector on Kestrel: the bearer handler and the refresh endpoint feed it, a blocked client is answered 429
/// before any token is read, and a refresh from another device is answered as the session's context policy says.
/// </summary>
public sealed class AnomalyDetectionTests
{
    private const string FirefoxOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
    private const string ChromeOnAndroid = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36";

    [Test]
    public async Task Bearer_ForgedTokensUpToTheThreshold_ClientBlockedWith429BeforeValidation()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var valid = (await client.SignInAsync("alice")).AccessToken!;
        var forged = Forge(valid);
        var detected = new List<AnomalyDetectedEventArgs>();
        app.Services.GetRequiredService<AnomalyDetector>().AnomalyDetected += (_, e) => detected.Add(e);

        for (var i = 0; i < 5; i++)
        {
            using var refused = await client.GetWithTokenAsync("/me", forged);
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            refused.Challenge().Should().Contain("error=\"invalid_token\"");
        }

        // Blocked now: even a valid token is answered 429 without being read.
        using var blocked = await client.GetWithTokenAsync("/me", valid);
        blocked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        blocked.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromMinutes(15));
        (await blocked.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.ClientBlocked);
        detected.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = AnomalyKind.BruteForce, ClientKey = "127.0.0.1", Count = 5 });

        app.Time.Advance(TimeSpan.FromMinutes(15));
        using var after = await client.GetWithTokenAsync("/me", (await client.SignInAsync("alice")).AccessToken);
        after.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Refresh_GuessedRefreshTokens_ClientBlockedWith429()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            using var refused = await client.RefreshAsync("eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJndWVzcyJ9.guess" + i);
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await refused.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.InvalidRefreshToken);
        }

        using var blocked = await client.RefreshAsync("eyJhbGciOiJIUzI1NiJ9.e30.x");
        blocked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await blocked.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.ClientBlocked);
    }

    [Test]
    public async Task Refresh_FromAnotherBrowserFamily_StepUpRequiredAndTheSessionLivesOn()
    {
        await using var app = await StartAsync();
        using var owner = app.CreateClient();
        owner.DefaultRequestHeaders.UserAgent.ParseAdd(FirefoxOnWindows);
        var tokens = await owner.SignInAsync("alice");
        using var thief = app.CreateClient();
        thief.DefaultRequestHeaders.UserAgent.ParseAdd(ChromeOnAndroid);

        using var stolen = await thief.RefreshAsync(tokens.RefreshToken!);

        stolen.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await stolen.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.StepUpRequired);
        using var own = await owner.RefreshAsync(tokens.RefreshToken!);
        own.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Refresh_FromAnotherBrowserFamilyRepeatedly_CountsTowardsBruteForceAsContextChange()
    {
        // One client presenting refresh tokens from another context again and again is what a thief with a stolen batch
        // looks like: each refusal counts, and the threshold blocks the client like any other brute force.
        await using var app = await StartAsync();
        var detected = new List<AnomalyDetectedEventArgs>();
        app.Services.GetRequiredService<AnomalyDetector>().AnomalyDetected += (_, e) => detected.Add(e);
        using var owner = app.CreateClient();
        owner.DefaultRequestHeaders.UserAgent.ParseAdd(FirefoxOnWindows);
        var tokens = await owner.SignInAsync("alice");
        using var thief = app.CreateClient();
        thief.DefaultRequestHeaders.UserAgent.ParseAdd(ChromeOnAndroid);

        for (var i = 0; i < 5; i++)
        {
            using var refused = await thief.RefreshAsync(tokens.RefreshToken!);
            (await refused.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.StepUpRequired);
        }

        detected.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { Kind = AnomalyKind.BruteForce, Signal = AnomalySignal.ContextChange, ClientKey = "127.0.0.1", Count = 5 });
        using var blocked = await thief.RefreshAsync(tokens.RefreshToken!);
        blocked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await blocked.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.ClientBlocked);
    }

    [Test]
    public async Task Refresh_FromAnotherDeviceId_SessionEndedAndRevoked()
    {
        await using var app = await StartAsync(endpoints => endpoints.DeviceIdHeaderName = "X-Device-Id");
        using var owner = app.CreateClient();
        owner.DefaultRequestHeaders.Add("X-Device-Id", "install-1");
        var tokens = await owner.SignInAsync("alice");
        using var thief = app.CreateClient();
        thief.DefaultRequestHeaders.Add("X-Device-Id", "install-2");

        using var stolen = await thief.RefreshAsync(tokens.RefreshToken!);

        stolen.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await stolen.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.SessionEnded);
        using var own = await owner.RefreshAsync(tokens.RefreshToken!);
        (await own.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.SessionEnded);
        using var me = await owner.GetWithTokenAsync("/me", tokens.AccessToken);
        me.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Refresh_Succeeded_LastSeenComesFromTheSessionsMetadata()
    {
        await using var app = await StartAsync();
        using var client = app.CreateClient();
        var tokens = await client.SignInAsync("alice");
        app.Time.Advance(TimeSpan.FromMinutes(7));

        using var refresh = await client.RefreshAsync(tokens.RefreshToken!);
        var refreshed = (await refresh.Content.ReadFromJsonAsync<TokenBody>())!;

        var record = await app.Services.GetRequiredService<Sessions.SessionManager>().Store.GetAsync(refreshed.SessionId!);
        record!.Metadata.LastSeenAt.Should().Be(TestApp.Start.AddMinutes(7));
        record.Metadata.LastSeenIpAddress.Should().Be("127.0.0.1");
    }

    [Test]
    public async Task Pipeline_BlockedKeyWithoutAnyUseCall_429BeforeTheApplicationsPipeline()
    {
        var reached = 0;
        await using var app = await TestApp.StartAsync(options =>
        {
            options.Services = services => services.AddJwtSessionsAnomalyDetection();
            options.Pipeline = pipeline => pipeline.Use((context, next) => { Interlocked.Increment(ref reached); return next(context); });
        });
        using var client = app.CreateClient();
        var detector = app.Services.GetRequiredService<AnomalyDetector>();
        using var allowed = await client.GetWithTokenAsync("/me", "eyJhbGciOiJIUzI1NiJ9.e30.x");
        allowed.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the key is not blocked yet: the token is read and refused");
        reached.Should().Be(1);
        detector.Block("127.0.0.1", TimeSpan.FromMinutes(2));

        using var blocked = await client.GetWithTokenAsync("/me", "eyJhbGciOiJIUzI1NiJ9.e30.x");

        blocked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        blocked.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromMinutes(2));
        (await blocked.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.ClientBlocked);
        reached.Should().Be(1, "the blocked request was answered before the application's first middleware");
    }

    [Test]
    public async Task Pipeline_ExplicitUseAfterTheApplicationsMiddleware_BlocksThereAndNotAtTheStart()
    {
        var reached = 0;
        await using var app = await TestApp.StartAsync(options =>
        {
            options.Services = services => services.AddJwtSessionsAnomalyDetection();
            options.Pipeline = pipeline => pipeline.Use((context, next) => { Interlocked.Increment(ref reached); return next(context); });
            options.AnomalyBlocking = true;
        });
        using var client = app.CreateClient();
        var detector = app.Services.GetRequiredService<AnomalyDetector>();
        detector.Block("127.0.0.1", TimeSpan.FromMinutes(2));

        using var blocked = await client.GetWithTokenAsync("/me", "eyJhbGciOiJIUzI1NiJ9.e30.x");

        blocked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await blocked.ProblemAsync()).Type.Should().Be(JwtSessionsProblemTypes.ClientBlocked);
        reached.Should().Be(1, "the application placed the middleware after its own, and the automatic one stood down");
    }

    [Test]
    public async Task Pipeline_BlockAtPipelineStartOff_BlockedKeyIsNotAnsweredByTheMiddleware()
    {
        await using var app = await TestApp.StartAsync(options =>
            options.Services = services => services.AddJwtSessionsAnomalyDetection(configure: keys => keys.BlockAtPipelineStart = false));
        using var client = app.CreateClient();
        app.Services.GetRequiredService<AnomalyDetector>().Block("127.0.0.1", TimeSpan.FromMinutes(2));

        using var refused = await client.GetWithTokenAsync("/me", "eyJhbGciOiJIUzI1NiJ9.e30.x");

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the application opted out: the token is read and refused");
        refused.Challenge().Should().Contain("error=\"invalid_token\"");
    }

    private static Task<TestApp> StartAsync(Action<JwtSessionsEndpointOptions>? endpoints = null) => TestApp.StartAsync(options =>
    {
        // No UseJwtSessionsAnomalyBlocking: registering the detector puts the middleware first in the pipeline.
        options.Endpoints = endpoints;
        options.Services = services => services.AddJwtSessionsAnomalyDetection(detector => detector.BruteForceThreshold = 5);
    });

    /// <summary>The token with its signature's first character changed: a bad signature, everything else intact.</summary>
    private static string Forge(string token)
    {
        var at = token.LastIndexOf('.') + 1;
        return string.Concat(token.AsSpan(0, at), token[at] == 'A' ? "B" : "A", token.AsSpan(at + 1));
    }
}
