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
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
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
        provider.GetRequiredService<TokenValidator>().Validate("Bearer " + tokens.AccessToken).Subject.Should().Be("alice");
    }

    [Test]
    public void AddJwtSessions_MissingKeys_FailsAtStartup()
    {
        var services = new ServiceCollection();
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*access-token keys are required*");
    }

    [Test]
    public void AddJwtSessions_NonsensicalPolicy_FailsAtStartup()
    {
        var services = new ServiceCollection();
        services.AddJwtSessions(o =>
        {
            o.Issuer = RawToken.Issuer;
            o.Audience = RawToken.Audience;
            o.AccessTokenKeys = KeyRing.Create(TestKeys.Es256);
            o.Policy = SessionPolicy.Default with { AbsoluteLifetime = TimeSpan.FromDays(1) };
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage("*session policy is not valid*");
    }
}
