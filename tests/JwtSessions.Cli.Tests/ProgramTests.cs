using System.Diagnostics;
using System.Runtime.InteropServices;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Tests;

/// <summary>One end-to-end run of the built tool as a real process, proving that Main is wired to <see cref="CliApp"/>.</summary>
public sealed class ProgramTests
{
    [Test]
    public void Main_KeygenInARealProcess_PrintsAnImportableJwk()
    {
        // The referenced tool is copied next to the tests with its runtimeconfig.json, so the dotnet host can run it.
        var tool = Path.Combine(AppContext.BaseDirectory, "JwtSessions.Cli.dll");
        File.Exists(Path.ChangeExtension(tool, ".runtimeconfig.json")).Should().BeTrue();
        var start = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { tool, "keygen", "--alg", "ES256" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The tool did not exit within 60 seconds.");
        }

        process.ExitCode.Should().Be(0, stderr.Result);
        SigningKey.FromJwk(stdout.Result).Algorithm.Should().Be(JwtAlgorithm.ES256);
    }

    // The dotnet CLI tells child processes where its host is; otherwise it sits above the shared runtime directory.
    private static string DotnetHost()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var name = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        var candidate = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", name));
        return File.Exists(candidate) ? candidate : name;
    }
}
