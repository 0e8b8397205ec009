namespace JwtSessions.Cli;

/// <summary>
/// A usage or configuration error with a message meant for the person at the terminal. The top level prints the message
/// and exits with <see cref="ExitCodes.UsageError"/>; no stack trace is ever shown.
/// </summary>
/// <remarks>Messages name files and options, never key material or token text.</remarks>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
