using System.CommandLine;
using System.CommandLine.Help;
using JwtSessions.Cli.Commands;

namespace JwtSessions.Cli;

/// <summary>
/// The <c>jwtsessions</c> command line: parses arguments, runs one command, and turns every failure into a message and
/// an exit code (docs/cli.md). <see cref="Program"/> calls it with the console; tests call it with string writers.
/// </summary>
internal static class CliApp
{
    public const string CommandName = "jwtsessions";

    // No response files: an argument such as "@x" is a value, never a file to expand behind the user's back.
    private static readonly ParserConfiguration s_parserConfiguration = new() { ResponseFileTokenReplacer = null };

    /// <summary>Runs the tool with the system clock.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdin">Standard input.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <returns>The exit code: 0 success, 1 invalid token, 2 usage or configuration error.</returns>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
        => Run(args, stdin, stdout, stderr, TimeProvider.System);

    /// <summary>Runs the tool with <paramref name="time"/> as the clock, so tests never depend on the wall clock.</summary>
    /// <param name="args">The arguments, without the program name.</param>
    /// <param name="stdin">Standard input.</param>
    /// <param name="stdout">Standard output.</param>
    /// <param name="stderr">Standard error.</param>
    /// <param name="time">The clock for <c>mint</c>, <c>verify</c> without <c>--at</c>, and the demo's start.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(time);
        try
        {
            var context = new CliContext(stdin, stdout, stderr, time);
            var parse = CreateRootCommand(context).Parse(args, s_parserConfiguration);
            if (parse.Errors.Count > 0)
            {
                foreach (var error in parse.Errors)
                {
                    stderr.WriteLine($"error: {error.Message}");
                }

                var path = string.Join(' ', parse.CommandResult.Command.Parents.OfType<Command>().Reverse().Select(static c => c.Name)
                    .Append(parse.CommandResult.Command.Name));
                stderr.WriteLine($"Run '{path} --help' for usage.");
                return ExitCodes.UsageError;
            }

            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex)
        {
            // The top level of a command-line tool: whatever went wrong, the user gets one line, never a stack trace.
            stderr.WriteLine($"error: {Describe(ex)}");
            return ExitCodes.UsageError;
        }
    }

    /// <summary>Builds the command tree; <paramref name="context"/> is captured by every command's action.</summary>
    internal static Command CreateRootCommand(CliContext context)
    {
        var root = new Command(CommandName, "Generate keys, publish JWK sets, mint, verify and inspect JWT access tokens with the JwtSessions library.")
        {
            KeygenCommand.Create(context),
            JwksCommand.Create(context),
            MintCommand.Create(context),
            VerifyCommand.Create(context),
            InspectCommand.Create(context),
            DemoCommand.Create(context),
        };
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        return root;
    }

    // ArgumentException appends " (Parameter 'x')" to its message; that is for programmers, not for the terminal.
    private static string Describe(Exception ex)
    {
        var message = ex.Message;
        if (ex is ArgumentException { ParamName: { } name })
        {
            message = message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal);
        }

        return message;
    }
}
