using System.Buffers.Text;
using System.Text;
using JwtSessions.Cli.Commands;
using JwtSessions.Cli.Tests.Support;

namespace JwtSessions.Cli.Tests.Commands;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class InspectCommandTests : IDisposable
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();
    private readonly TempDirectory _files = new();
    private readonly string _token;

    public InspectCommandTests()
    {
        var minted = CliRunner.Run(_time, "mint", "--key", _files.WriteKey(TestKeys.Es256), "--iss", "https://issuer.test", "--aud", "api://test", "--sub", "alice", "--claim", "role=admin");
        minted.ExitCode.Should().Be(ExitCodes.Success, minted.ToString());
        _token = minted.Stdout.TrimEnd('\n', '\r');
    }

    [Test]
    public void Inspect_Token_PrintsHeaderAndPayloadMarkedUnverified()
    {
        var result = CliRunner.Run(_time, "inspect", _token);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stdout.Should().StartWith("UNVERIFIED");
        result.Stdout.Should().Contain(InspectCommand.UnverifiedBanner)
            .And.Contain("\"alg\": \"ES256\"")
            .And.Contain("\"typ\": \"at+jwt\"")
            .And.Contain($"\"kid\": \"{TestKeys.Es256.KeyId}\"")
            .And.Contain("\"sub\": \"alice\"")
            .And.Contain("\"role\": \"admin\"");
    }

    [Test]
    public void Inspect_TamperedToken_StillDecodesBecauseNothingIsChecked()
    {
        var segments = _token.Split('.');

        var result = CliRunner.Run(_time, "inspect", $"{segments[0]}.{segments[1]}.AAAA");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stdout.Should().StartWith("UNVERIFIED");
    }

    [Test]
    public void Inspect_BearerHeaderFromStdin_Decodes()
    {
        var result = CliRunner.RunWithInput(_time, "Bearer " + _token + "\n", "inspect", "-");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stdout.Should().Contain("\"sub\": \"alice\"");
    }

    [Test]
    public void Inspect_HostileCharacters_AreEscaped()
    {
        var header = B64("""{"alg":"HS256","typ":"at+jwt"}""");
        var payload = B64("{\"sub\":\"ad\u202Enimda\u200B\u00E9\",\"esc\":\"\\u001b[31m\"}");

        var result = CliRunner.Run(_time, "inspect", $"{header}.{payload}.sig");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stdout.Should().Contain("ad\\u202Enimda\\u200B\\u00E9").And.Contain("\\u001B[31m");
        result.Stdout.Should().NotContain("\u202E").And.NotContain("\u001b");
    }

    [TestCase("garbage")]
    [TestCase("a.b")]
    [TestCase("a.b.c.d")]
    [TestCase("!!!.e30.sig")]
    [TestCase("e30.bm90IGpzb24.sig")]
    [TestCase("WzFd.e30.sig")]
    [TestCase("")]
    public void Inspect_Garbage_ExitsWithUsageError(string input)
    {
        var result = CliRunner.Run(_time, "inspect", input);

        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stdout.Should().BeEmpty();
        result.StderrLines.Should().ContainSingle().Which.Should().StartWith("error: ");
    }

    [Test]
    public void Inspect_FiveSegments_ExplainsJwe()
    {
        var result = CliRunner.Run(_time, "inspect", "a.b.c.d.e");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("JWE");
    }

    private static string B64(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    public void Dispose() => _files.Dispose();

    [Test]
    public void Inspect_PayloadWithAnUnpairedSurrogateEscape_IsShownAsSent()
    {
        // Valid JSON text (RFC 8259 §8.2) but no valid string: the writer cannot re-encode it, and hostile tokens are what
        // inspect is for, so it prints the part as it came instead of failing.
        var token = $"{B64("""{"alg":"HS256","typ":"at+jwt"}""")}.{B64("""{"sub":"\ud800","name":"é"}""")}.AAAA";

        var result = CliRunner.Run(_time, "inspect", token);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stdout.Should().Contain("shown as sent").And.Contain("""{"sub":"\ud800","name":"\u00E9"}""");
    }
}
