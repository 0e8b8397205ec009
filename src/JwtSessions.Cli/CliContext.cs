namespace JwtSessions.Cli;

/// <summary>What a command may touch outside its arguments: the three standard streams and the clock.</summary>
/// <remarks>
/// Commands never use <see cref="Console"/> or the wall clock directly, so tests run them in-process with string writers
/// and a fake clock.
/// </remarks>
internal sealed class CliContext
{
    public CliContext(TextReader input, TextWriter output, TextWriter error, TimeProvider time)
    {
        Input = input;
        Output = output;
        Error = error;
        Time = time;
    }

    /// <summary>Gets standard input; read only for a <c>-</c> token argument.</summary>
    public TextReader Input { get; }

    /// <summary>Gets standard output: the command's result and nothing else.</summary>
    public TextWriter Output { get; }

    /// <summary>Gets standard error: diagnostics and the <c>invalid: CODE</c> line of <c>verify</c>.</summary>
    public TextWriter Error { get; }

    /// <summary>Gets the clock used to mint and, without <c>--at</c>, to validate.</summary>
    public TimeProvider Time { get; }
}
