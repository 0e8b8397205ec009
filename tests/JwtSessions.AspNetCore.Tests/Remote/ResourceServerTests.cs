using System.Net;
using System.Net.Http.Headers;
using JwtSessions.AspNetCore.Authentication;
using JwtSessions.Remote;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.AspNetCore.Tests.Remote;

/// <summary>
/// An issuer (AddJwtSessions, its JWK set and MapJwtSessionsRevocations) and a resource server (AddJwtSessionsValidation with
/// RemoteKeys and RemoteRevocations, the bearer scheme), two real Kestrel servers on 127.0.0.1.
/// </summary>
[NonParallelizable]
public sealed class ResourceServerTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "api://orders";

    [Test]
    public async Task BearerScheme_RemoteKeysAndRevocations_KeysLoadedAtStartAndRevocationReachesTheResourceServer()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
        var keys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.ES256, "issuer-1"));
        await using var issuer = await StartAsync(builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddJwtSessions(o => (o.Issuer, o.Audience, o.AccessTokenKeys) = (Issuer, Audience, keys));
        }, app =>
        {
            app.MapGet("/jwks", () => Results.Text(keys.ToJwks(), "application/jwk-set+json"));
            app.MapJwtSessionsRevocations("/auth/revocations");
        });
        var issuerUri = Address(issuer);
        await using var resource = await StartAsync(builder =>
        {
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddJwtSessionsValidation(o =>
            {
                o.Issuer = Issuer;
                o.Audience = Audience;
                o.RemoteKeys = new JwksKeySourceOptions { JwksUri = new Uri(issuerUri, "/jwks") };
                o.RemoteRevocations = new RevocationPollerOptions { RevocationsUri = new Uri(issuerUri, "/auth/revocations") };
            });
            builder.Services.AddAuthentication(JwtSessionsBearerDefaults.AuthenticationScheme).AddJwtSessionsBearer();
            builder.Services.AddAuthorization();
        }, app =>
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.MapGet("/orders", () => "ok").RequireAuthorization();
        });

        resource.Services.GetRequiredService<JwksKeySource>().LastSuccessfulFetch.Should().NotBeNull("the keys load before the server listens");
        var manager = issuer.Services.GetRequiredService<SessionManager>();
        var tokens = await manager.StartSessionAsync("alice");
        using var client = new HttpClient { BaseAddress = Address(resource) };

        (await GetAsync(client, tokens.AccessToken)).Should().Be(HttpStatusCode.OK);
        await manager.RevokeAsync(tokens.SessionId);
        (await resource.Services.GetRequiredService<RevocationPoller>().PollAsync()).Should().BeTrue();

        (await GetAsync(client, tokens.AccessToken)).Should().Be(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task MapJwtSessionsRevocations_WithoutAddJwtSessions_Throws()
    {
        var act = async () => await StartAsync(_ => { }, app => app.MapJwtSessionsRevocations());

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*AddJwtSessions*");
    }

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static Uri Address(WebApplication app)
        => new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    private static async Task<WebApplication> StartAsync(Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(SuiteLogs.Factory).SetMinimumLevel(LogLevel.Trace);
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }
}
