using JwtSessions.Dpop;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Dpop;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.Tests.DependencyInjection;

public sealed class AddJwtSessionsDpopTests
{
    private static void Manager(SessionManagerOptions o)
    {
        o.Issuer = RawToken.Issuer;
        o.Audience = RawToken.Audience;
        o.AccessTokenKeys = KeyRing.Create(TestKeys.Es256);
    }

    [Test]
    public async Task AddJwtSessionsDpop_Defaults_ResolvesOneValidatorOnTheContainersClockWithAnInMemoryReplayCache()
    {
        var time = TestClock.Create();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(time);
        services.AddJwtSessionsDpop(o => o.IatWindow = TimeSpan.FromSeconds(30));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var validator = provider.GetRequiredService<DpopProofValidator>();
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);

        provider.GetRequiredService<DpopProofValidator>().Should().BeSameAs(validator);
        provider.GetRequiredService<IDpopReplayCache>().Should().BeOfType<InMemoryDpopReplayCache>();
        (await validator.ValidateAsync(DpopProofs.Create(key), DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.None);
        time.Advance(TimeSpan.FromSeconds(31));
        (await validator.ValidateAsync(DpopProofs.Create(key), DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.TooOld);
    }

    [Test]
    public void AddJwtSessionsDpop_BadOptions_FailAtStartupNamingEachSetting()
    {
        var services = new ServiceCollection();
        services.AddJwtSessionsDpop(o =>
        {
            o.NonceKey = new byte[8];
            o.KeyCacheSize = -1;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().HaveCount(2)
            .And.Contain(f => f.StartsWith("JwtSessions: NonceKey", StringComparison.Ordinal))
            .And.Contain(f => f.StartsWith("JwtSessions: KeyCacheSize", StringComparison.Ordinal));
    }

    [Test]
    public void AddJwtSessionsDpop_ReplayCacheRegisteredBefore_KeepsIt()
    {
        var own = new InMemoryDpopReplayCache(capacity: 10);
        var services = new ServiceCollection().AddSingleton<IDpopReplayCache>(own);
        services.AddJwtSessionsDpop();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IDpopReplayCache>().Should().BeSameAs(own);
    }

    [Test]
    public void AddJwtSessionsDpop_WithAddJwtSessions_TheManagerUsesTheRegisteredValidator()
    {
        var services = new ServiceCollection();
        services.AddJwtSessions(o =>
        {
            Manager(o);
            o.Policy = new SessionPolicy { RequireDpop = true };
        });
        services.AddJwtSessionsDpop();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        provider.GetRequiredService<SessionManager>().DpopProofValidator.Should().BeSameAs(provider.GetRequiredService<DpopProofValidator>());
    }

    [Test]
    public void AddJwtSessionsDpop_ManagerOptionsAlsoSetAValidator_FailsAtStartup()
    {
        var services = new ServiceCollection();
        services.AddJwtSessions(o =>
        {
            Manager(o);
            o.DpopProofValidator = new DpopProofValidator(new DpopProofValidatorOptions());
        });
        services.AddJwtSessionsDpop();
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().StartWith("JwtSessions: DpopProofValidator must be left unset");
    }

    [Test]
    public void AddJwtSessions_RequireDpopWithoutAnyValidator_FailsAtStartup()
    {
        var services = new ServiceCollection();
        services.AddJwtSessions(o =>
        {
            Manager(o);
            o.Policy = new SessionPolicy { RequireDpop = true };
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().Which.Failures.Should().ContainSingle()
            .Which.Should().StartWith("JwtSessions: DpopProofValidator is required");
    }
}
