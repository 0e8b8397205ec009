using System.Net;
using JwtSessions.AspNetCore.Tests.Support;
using JwtSessions.Redis;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.AspNetCore.Tests.Redis;

/// <summary>
/// Two servers on one Redis-protocol server (redis-server when on the PATH, else Garnet, started by the Redis store tests'
/// support): the issuing server ends a user's sessions, and the validating server refuses their access tokens.
/// </summary>
[NonParallelizable]
public sealed class MultiServerTests
{
    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        await RedisTestEnvironment.StartSharedServerAsync();
        TestContext.Progress.WriteLine($"Multi-server tests against {RedisTestEnvironment.Description}.");
    }

    [OneTimeTearDown]
    public Task StopServerAsync() => RedisTestEnvironment.StopSharedServerAsync();

    [Test]
    public async Task LogoutEverywhere_OnIssuingServer_IsSeenByValidatingServer()
    {
        var address = RedisTestEnvironment.Address;
        var prefix = RedisTestEnvironment.NewPrefix();
        var keys = TestApp.NewHmacKeys("access-1");
        var issuingTime = new FakeTimeProvider(TestApp.Start);
        var validatingTime = new FakeTimeProvider(TestApp.Start);
        using var issuingStore = await RedisTestEnvironment.ConnectStoreAsync(address, prefix, issuingTime);
        using var validatingStore = await RedisTestEnvironment.ConnectStoreAsync(address, prefix, validatingTime);
        await using var issuing = await TestApp.StartAsync(o =>
        {
            o.Time = issuingTime;
            o.AccessKeys = keys;
            o.Services = s => s.AddSingleton<ISessionStore>(issuingStore);
        });
        await using var validating = await TestApp.StartAsync(o =>
        {
            o.Time = validatingTime;
            o.AccessKeys = keys;
            o.ValidationOnly = true;
            o.Services = s => s.AddSingleton<ISessionStore>(validatingStore);
        });
        using var toIssuer = issuing.CreateClient();
        using var toApi = validating.CreateClient();
        var phone = await toIssuer.SignInAsync("alice");
        var laptop = await toIssuer.SignInAsync("alice");
        using (var before = await toApi.GetWithTokenAsync("/me", laptop.AccessToken))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK, "the validating server accepts the issuing server's tokens");
        }

        using (var everywhere = await toIssuer.SendWithTokenAsync(HttpMethod.Post, "/auth/logout-all", phone.AccessToken!))
        {
            everywhere.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await Eventually.HoldsAsync(
            async () =>
            {
                using var after = await toApi.GetWithTokenAsync("/me", laptop.AccessToken);
                return after.StatusCode == HttpStatusCode.Unauthorized;
            },
            "the validating server refuses the laptop's token after logout everywhere");
        using var refused = await toApi.GetWithTokenAsync("/me", laptop.AccessToken);
        refused.Challenge().Should().Be("Bearer error=\"invalid_token\", error_description=\"The access token's session was revoked\"");
        await RedisTestEnvironment.DeleteKeysAsync(address, prefix);
    }
}
