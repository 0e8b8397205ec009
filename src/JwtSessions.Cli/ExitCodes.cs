namespace JwtSessions.Cli;

/// <summary>The process exit codes of <c>jwtsessions</c>. They are part of the tool's public contract (docs/cli.md).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked; for <c>verify</c>, the token is valid.</summary>
    public const int Success = 0;

    /// <summary><c>verify</c> rejected the token, or a <c>demo</c> step did not behave as documented.</summary>
    public const int Invalid = 1;

    /// <summary>Bad usage or configuration: unknown option, unreadable file, weak or malformed key, unreadable token.</summary>
    public const int UsageError = 2;
}
