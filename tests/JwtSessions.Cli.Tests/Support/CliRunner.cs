namespace JwtSessions.Cli.Tests.Support;

/// <summary>Runs the tool in-process through <see cref="CliApp.Run(string[], TextReader, TextWriter, TextWriter, TimeProvider)"/>.</summary>
internal static class CliRunner
{
    public static CliResult Run(TimeProvider time, params string[] args) => RunWithInput(time, string.Empty, args);

    public static CliResult RunWithInput(TimeProvider time, string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = CliApp.Run(args, input, output, error, time);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
