using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Tests.Configuration;

/// <summary>AddJwtSessions from a configuration section: keys from inline JWK JSON, and errors that name the setting.</summary>
public sealed class ConfigurationTests
{
    [Test]
    public void AddJwtSessions_InlineJwksAndPolicy_BindsEverySetting()
    {
        var access = SigningKey.Generate(JwtAlgorithm.ES256, "es-1").ToJwk(includePrivateKey: true);
        var refresh = SigningKey.Generate(JwtAlgorithm.HS256, "rt-1").ToJwk(includePrivateKey: true);
        using var provider = Build(new Dictionary<string, string?>
        {
            ["JwtSessions:Issuer"] = "https://issuer.test",
            ["JwtSessions:Audience"] = "api://test",
            ["JwtSessions:AccessTokenKeys:Jwk"] = access,
            ["JwtSessions:RefreshTokenKeys:Jwk"] = refresh,
            ["JwtSessions:Policy:AccessTokenLifetime"] = "00:02:00",
        });

        var options = provider.GetRequiredService<IOptions<SessionManagerOptions>>().Value;

        options.Issuer.Should().Be("https://issuer.test");
        options.AccessTokenKeys!.ActiveKey!.KeyId.Should().Be("es-1");
        options.RefreshTokenKeys!.ActiveKey!.KeyId.Should().Be("rt-1");
        options.Policy.AccessTokenLifetime.Should().Be(TimeSpan.FromMinutes(2));
    }

    [Test]
    public void AddJwtSessions_MissingKeyFileAndBadDuration_FailsNamingEachSetting()
    {
        using var provider = Build(new Dictionary<string, string?>
        {
            ["JwtSessions:Issuer"] = "https://issuer.test",
            ["JwtSessions:AccessTokenKeys:JwksFile"] = "no-such-file.json",
            ["JwtSessions:Policy:IdleTimeout"] = "soon",
        });

        var act = () => provider.GetRequiredService<IOptions<SessionManagerOptions>>().Value;

        var failures = act.Should().Throw<OptionsValidationException>().Which.Failures;
        failures.Should().Contain(f => f.Contains("JwtSessions:AccessTokenKeys:JwksFile", StringComparison.Ordinal));
        failures.Should().Contain(f => f.Contains("JwtSessions:Policy:IdleTimeout", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = SuiteLogs.Services();
        services.AddJwtSessions(configuration.GetSection("JwtSessions"));
        return services.BuildServiceProvider();
    }
}
