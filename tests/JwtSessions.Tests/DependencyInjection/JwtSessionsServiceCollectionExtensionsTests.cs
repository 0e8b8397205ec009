using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.Tests.DependencyInjection;

public sealed class JwtSessionsServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddJwtSessions_Configured_ResolvesWorkingSingletons()
    {
        var time = TestClock.Create();
        var services = SuiteLogs.Services().AddSingleton<TimeProvider>(time);
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.AccessTokenKeys = KeyRing.Create(TestKeys.Es256);
        });
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var manager = provider.GetRequiredService<SessionManager>();
        var tokens = await manager.StartSessionAsync("alice");

        provider.GetRequiredService<SessionManager>().Should().BeSameAs(manager);
        provider.GetRequiredService<ISessionStore>().Should().BeOfType<InMemorySessionStore>();
        provider.GetRequiredService<TokenValidator>().ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Subject.Should().Be("alice");
    }

    [Test]
    public void AddJwtSessions_MissingKeys_FailsAtStartup()
    {
        var services = SuiteLogs.Services();
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*AccessTokenKeys is required*");
    }

    [Test]
    public void AddJwtSessions_NonsensicalPolicy_FailsAtStartup()
    {
        var services = SuiteLogs.Services();
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.AccessTokenKeys = KeyRing.Create(TestKeys.Es256);
            o.Policy = SessionPolicy.Default with { AbsoluteLifetime = TimeSpan.FromDays(1) };
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*Policy: The absolute lifetime must not be shorter than the idle timeout*");
    }

    private static IEnumerable<TestCaseData> ConfigurationsTheManagerRefuses()
    {
        yield return Refused("RefreshAudienceEqualsAudience", o => o.RefreshAudience = RawToken.Audience, "*audience of their own*");
        yield return Refused("ClockSkewTenMinutes", o => o.ClockSkew = TimeSpan.FromMinutes(10), "*clock skew*");
        yield return Refused("NegativeClockSkew", o => o.ClockSkew = TimeSpan.FromSeconds(-1), "*clock skew*");
        yield return Refused("VerificationOnlyAccessKeys", o => o.AccessTokenKeys = KeyRing.ForVerification(TestKeys.Es256.ToPublicKey()), "*active signing key*");
        yield return Refused("CacheWithoutEntries", o => o.AccessTokenCache = new VerifiedTokenCacheOptions { MaxEntries = 0 }, "*");

        static TestCaseData Refused(string name, Action<SessionManagerOptions> change, string message)
            => new TestCaseData(change, message).SetName("AddJwtSessions_" + name + "_FailsAtStartupNotAtFirstResolve");
    }

    [TestCaseSource(nameof(ConfigurationsTheManagerRefuses))]
    public void AddJwtSessions_AConfigurationTheManagerRefuses_FailsAtStartup(Action<SessionManagerOptions> change, string message)
    {
        // Every rule of the manager's constructor (and of the issuers and validator it builds) is a start-up failure, with
        // the options exception and the constructor's own message, not an ArgumentException on the first request.
        var services = SuiteLogs.Services();
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.AccessTokenKeys = KeyRing.Create(TestKeys.Es256);
            change(o);
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle().Which.Should().Match("JwtSessions: " + message);
    }

    [Test]
    public async Task AddJwtSessions_ContainerClock_IsTheManagersAndTheDefaultStoresClock()
    {
        // The store's sweep judges the deadlines the manager set, so both run on one clock: the container's TimeProvider.
        var time = TestClock.Create();
        var services = SuiteLogs.Services();
        services.AddSingleton<TimeProvider>(time);
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.AccessTokenKeys = KeyRing.Create(TestKeys.Es256);
        });
        using var provider = services.BuildServiceProvider();
        var manager = provider.GetRequiredService<SessionManager>();
        var store = (InMemorySessionStore)provider.GetRequiredService<ISessionStore>();
        var tokens = await manager.StartSessionAsync("alice");

        store.Count.Should().Be(1);
        tokens.AccessTokenExpiresAt.Should().Be(time.GetUtcNow() + SessionPolicy.Default.AccessTokenLifetime, "the manager minted on the container's clock");

        // The store's periodic sweep runs on its clock: moved past the idle deadline, that clock removes the session.
        time.Advance(SessionPolicy.Default.IdleTimeout);

        store.Count.Should().Be(0, "the sweep ran on the container's clock and found the session past its idle deadline");
    }
}
