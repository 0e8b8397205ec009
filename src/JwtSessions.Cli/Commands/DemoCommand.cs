using System.CommandLine;

namespace JwtSessions.Cli.Commands;

/// <summary><c>jwtsessions demo</c>: runs <see cref="Demo"/> on its embedded defaults.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command(
            "demo",
            $"Run the library end to end on built-in settings ({Demo.Algorithm} key, issuer {Demo.Issuer}, audience {Demo.Audience}) and print each step: generate a key, mint, validate, reject a tampered and an expired token.");
        command.SetAction(_ =>
        {
            using var demo = new Demo(context.Time.GetUtcNow());
            return demo.Run(context.Output);
        });
        return command;
    }
}
