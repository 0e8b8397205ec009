using JwtSessions.Cli.Tests.Support;

namespace JwtSessions.Cli.Tests.Commands;

public sealed class DemoCommandTests
{
    [Test]
    public void Demo_Runs_ExitsZeroAndShowsEachRejectionCode()
    {
        var result = CliRunner.Run(TestClock.Create(), "demo");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stderr.Should().BeEmpty();
        result.Stdout.Should().Contain("valid: sub alice")
            .And.Contain("rejected: bad_signature")
            .And.Contain("rejected: expired")
            .And.Contain("Done: 13 steps behaved as documented (1 plain token accepted, 2 rejected; then the session lifecycle).")
            .And.Contain("ReuseDetected").And.Contain("GraceReissued");
    }

    [Test]
    public void Demo_StartsAtTheInjectedClock()
    {
        var result = CliRunner.Run(TestClock.Create(), "demo");

        result.Stdout.Should().Contain("starting at 2026-01-15 12:00:00Z").And.Contain("expires 2026-01-15 12:05:00Z");
    }

    [Test]
    public void Demo_NeverPrintsThePrivateKey()
    {
        var result = CliRunner.Run(TestClock.Create(), "demo");

        result.Stdout.Should().NotContain("\"d\"");
    }

    [Test]
    public void Steps_EachWritesToTheGivenWriter()
    {
        var demo = new Demo(TestClock.Start);
        using var output = new StringWriter();

        foreach (var (title, run) in demo.Steps)
        {
            var before = output.ToString().Length;
            run(output).Should().BeTrue(title);
            output.ToString().Length.Should().BeGreaterThan(before, title);
        }
    }
}
