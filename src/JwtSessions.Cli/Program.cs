namespace JwtSessions.Cli;

/// <summary>The entry point of the <c>jwtsessions</c> tool.</summary>
internal static class Program
{
    private static int Main(string[] args) => CliApp.Run(args, Console.In, Console.Out, Console.Error);
}
