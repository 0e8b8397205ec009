using System.Net;
using System.Text.Json;
using JwtSessions.Cli.Tests.Support;
using JwtSessions.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Cli.Tests.Commands;

/// <summary><c>verify --jwks-url</c> against a JWK set served by a real Kestrel server on 127.0.0.1.</summary>
[NonParallelizable]
public sealed class VerifyJwksUrlTests
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "api://test";

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();
    private WebApplication _server = null!;
    private string _served = string.Empty;
    private Uri _baseUri = null!;
    private string _token = string.Empty;

    [SetUp]
    public async Task SetUpAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.MapGet("/jwks", () => Results.Text(_served, "application/jwk-set+json"));
        _server.MapGet("/moved", () => Results.Redirect("/jwks"));
        await _server.StartAsync();
        _baseUri = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        _served = KeyRing.Create(TestKeys.Es256).ToJwks();
        using var files = new TempDirectory();
        var minted = CliRunner.Run(_time, "mint", "--key", files.WriteKey(TestKeys.Es256), "--iss", Issuer, "--aud", Audience, "--sub", "alice");
        minted.ExitCode.Should().Be(ExitCodes.Success, minted.ToString());
        _token = minted.Stdout.TrimEnd('\n', '\r');
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    [Test]
    public void Verify_JwksUrlOnLoopback_ExitsZeroWithThePayload()
    {
        var result = Verify(new Uri(_baseUri, "/jwks").ToString());

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("sub").GetString().Should().Be("alice");
    }

    [Test]
    public void Verify_JwksUrlWithAnotherKey_ExitsOneWithUnknownKey()
    {
        _served = KeyRing.ForVerification(SigningKey.Generate(JwtAlgorithm.ES256, "other")).ToJwks();

        var result = Verify(new Uri(_baseUri, "/jwks").ToString());

        result.ExitCode.Should().Be(ExitCodes.Invalid, result.ToString());
        result.Stderr.Should().Be("invalid: unknown_key" + Environment.NewLine);
    }

    [Test]
    public void Verify_JwksUrlServingAPrivateKey_ExitsTwoNamingTheRule()
    {
        _served = $$"""{"keys":[{{TestKeys.Es256.ToJwk(includePrivateKey: true)}}]}""";

        var result = Verify(new Uri(_baseUri, "/jwks").ToString());

        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stderr.Should().Contain("invalid_set").And.Contain("public keys only");
        result.Stderr.Should().NotContain("\"d\"", "no key material is echoed");
    }

    [Test]
    public void Verify_JwksUrlRedirects_ExitsTwo()
    {
        var result = Verify(new Uri(_baseUri, "/moved").ToString());

        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stderr.Should().Contain("redirected");
    }

    [TestCase("http://issuer.example/jwks")]
    [TestCase("jwks.json")]
    public void Verify_JwksUrlNeitherHttpsNorLoopback_ExitsTwoWithoutFetching(string url)
    {
        var result = Verify(url);

        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stderr.Should().Contain("--jwks-url");
    }

    [Test]
    public void Verify_JwksAndJwksUrlBoth_ExitsTwo()
    {
        using var files = new TempDirectory();
        var jwks = files.Write("jwks.json", _served);

        var result = CliRunner.Run(_time, "verify", "--jwks", jwks, "--jwks-url", new Uri(_baseUri, "/jwks").ToString(), "--iss", Issuer, "--aud", Audience, _token);

        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stderr.Should().Contain("exactly one of --jwks FILE and --jwks-url URL");
    }

    [Test]
    public void Verify_NoKeysOption_ExitsTwo()
    {
        var result = CliRunner.Run(_time, "verify", "--iss", Issuer, "--aud", Audience, _token);

        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stderr.Should().Contain("exactly one of --jwks FILE and --jwks-url URL");
    }

    private CliResult Verify(string url) => CliRunner.Run(_time, "verify", "--jwks-url", url, "--iss", Issuer, "--aud", Audience, _token);
}
