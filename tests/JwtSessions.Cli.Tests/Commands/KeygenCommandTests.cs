using System.Text.Json;
using JwtSessions.Cli.Tests.Support;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Tests.Commands;

public sealed class KeygenCommandTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();

    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public void Keygen_EachAlgorithm_PrintsPrivateJwkThatImports(JwtAlgorithm algorithm)
    {
        var result = CliRunner.Run(_time, "keygen", "--alg", algorithm.GetName());

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stderr.Should().BeEmpty();
        var key = SigningKey.FromJwk(result.Stdout);
        key.Algorithm.Should().Be(algorithm);
        key.CanSign.Should().BeTrue();
        using var jwk = JsonDocument.Parse(result.Stdout);
        jwk.RootElement.GetProperty("alg").GetString().Should().Be(algorithm.GetName());
        jwk.RootElement.GetProperty("kid").GetString().Should().Be(key.KeyId).And.NotBeEmpty();
    }

    [Test]
    public void Keygen_WithKid_UsesIt()
    {
        var result = CliRunner.Run(_time, "keygen", "--alg", "EdDSA", "--kid", "signing-2026-01");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        SigningKey.FromJwk(result.Stdout).KeyId.Should().Be("signing-2026-01");
    }

    [TestCase("none")]
    [TestCase("es256")]
    [TestCase("HS1")]
    public void Keygen_UnsupportedAlgorithm_ExitsWithUsageError(string algorithm)
    {
        var result = CliRunner.Run(_time, "keygen", "--alg", algorithm);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Contain("not a supported algorithm");
    }

    [Test]
    public void Keygen_WithoutAlg_ExitsWithUsageError()
    {
        var result = CliRunner.Run(_time, "keygen");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("--alg");
    }

    [Test]
    public void Keygen_KidTooLong_ExitsWithUsageError()
    {
        var result = CliRunner.Run(_time, "keygen", "--alg", "ES256", "--kid", new string('k', 257));

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("key id");
    }
}
