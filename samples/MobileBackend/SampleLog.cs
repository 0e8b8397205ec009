namespace MobileBackend;

/// <summary>The sample's log messages (source-generated: no boxing, no parsing of the template per call).</summary>
internal static partial class SampleLog
{
    [LoggerMessage(1, LogLevel.Information, "Sessions are kept {Store}.")]
    public static partial void SessionStore(ILogger logger, string store);

    [LoggerMessage(2, LogLevel.Warning, "No {Setting} configured: using a key made at start-up. Its tokens die with this process, and other instances reject them (README.md, Keys).")]
    public static partial void EphemeralKeys(ILogger logger, string setting);

    [LoggerMessage(3, LogLevel.Information, "DPoP is {State}.")]
    public static partial void Dpop(ILogger logger, string state);
}
