using JwtSessions.Cli.Tests.Support;

namespace JwtSessions.Cli.Tests;

public sealed class CliAppTests
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();

    [Test]
    public void Run_NoCommand_ExitsWithUsageError()
    {
        var result = CliRunner.Run(_time);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("--help");
    }

    [Test]
    public void Run_UnknownCommand_ExitsWithUsageError()
    {
        var result = CliRunner.Run(_time, "frobnicate");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("frobnicate");
    }

    [Test]
    public void Run_UnknownOption_ExitsWithUsageErrorNamingTheCommand()
    {
        var result = CliRunner.Run(_time, "keygen", "--alg", "ES256", "--bits", "4096");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("--bits").And.Contain("jwtsessions keygen --help");
    }

    [TestCase]
    [TestCase("keygen")]
    [TestCase("jwks")]
    [TestCase("mint")]
    [TestCase("verify")]
    [TestCase("inspect")]
    [TestCase("demo")]
    public void Run_Help_ExitsZeroWithUsage(params string[] command)
    {
        var result = CliRunner.Run(_time, [.. command, "--help"]);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stdout.Should().Contain("Usage:").And.Contain("jwtsessions");
    }

    [Test]
    public void Run_ResponseFileSyntax_IsTakenLiterally()
    {
        var result = CliRunner.Run(_time, "inspect", "@/etc/passwd");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("not a compact JWT");
    }

    [Test]
    public void Run_Failures_NeverPrintAStackTrace()
    {
        string[][] failures =
        [
            ["verify", "--jwks", "/nonexistent/jwks.json", "--iss", "i", "--aud", "a", "t"],
            ["mint", "--key", "/", "--iss", "i", "--aud", "a", "--sub", "s"],
            ["inspect", "e30.e30"],
            ["jwks", "/nonexistent.jwk"],
        ];

        foreach (var args in failures)
        {
            var result = CliRunner.Run(_time, args);

            result.ExitCode.Should().Be(ExitCodes.UsageError, string.Join(' ', args));
            result.Stderr.Should().NotContain("   at ").And.NotContain("Exception");
        }
    }
}
