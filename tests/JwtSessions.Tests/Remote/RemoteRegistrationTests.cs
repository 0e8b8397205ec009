using JwtSessions.Remote;
using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.Tests.Remote;

/// <summary>AddJwtSessionsValidation for a resource server: keys from the issuer's JWK set, revocations from its endpoint.</summary>
[NonParallelizable]
public sealed class RemoteRegistrationTests
{
    [Test]
    public async Task AddJwtSessionsValidation_RemoteKeysAndRevocations_ValidatesAndSeesRevocationsThroughTheFactoryClient()
    {
        var time = TestClock.Create();
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = time });
        using var issuer = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = KeyRing.Create(TestKeys.Es256) },
            store,
            timeProvider: time, logger: SuiteLogs.For<SessionManager>());
        await using var server = await IssuerServer.StartAsync();
        server.Jwks = issuer.AccessTokenValidator.Keys.ToJwks();
        using var log = new RevocationLog(store, TimeSpan.FromMinutes(6), time);
        server.Revocations = log;
        var services = SuiteLogs.Services();
        services.AddSingleton<TimeProvider>(time);
        services.AddJwtSessionsValidation(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.RemoteKeys = new JwksKeySourceOptions { JwksUri = server.JwksUri };
            o.RemoteRevocations = new RevocationPollerOptions { RevocationsUri = server.RevocationsUri };
        });
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        (await provider.GetRequiredService<JwksKeySource>().RefreshAsync()).Should().BeTrue();
        var poller = provider.GetRequiredService<RevocationPoller>();
        var validator = provider.GetRequiredService<TokenValidator>();
        var tokens = await issuer.StartSessionAsync("alice");

        validator.ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Subject.Should().Be("alice");
        await issuer.RevokeAsync(tokens.SessionId);
        (await poller.PollAsync()).Should().BeTrue();

        validator.ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        validator.Keys.Keys.Should().OnlyContain(static k => !k.CanSign);
        server.JwksRequests.Should().BeGreaterThan(0);
    }

    [Test]
    public void AddJwtSessionsValidation_KeysAndRemoteKeysBoth_FailsAtStartup()
    {
        var services = SuiteLogs.Services();
        services.AddJwtSessionsValidation(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.Keys = KeyRing.ForVerification(TestKeys.Es256);
            o.RemoteKeys = new JwksKeySourceOptions { JwksUri = new Uri("http://issuer.example/jwks") };
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>()
            .WithMessage("*Set one of Keys*")
            .WithMessage("*RemoteKeys.JwksUri must be an absolute https URL*");
    }
}
