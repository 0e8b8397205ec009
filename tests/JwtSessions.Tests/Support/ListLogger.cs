using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Support;

/// <summary>Keeps every log entry written to it, with its level and formatted message, and passes it on to the suite's capture (<see cref="SuiteLogs"/>).</summary>
internal sealed class ListLogger : ILogger<JwtSessions.Sessions.SessionManager>
{
    private readonly ILogger _suite = SuiteLogs.For<JwtSessions.Sessions.SessionManager>();

    public List<(LogLevel Level, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _suite.Log(logLevel, eventId, state, exception, formatter);
        lock (Entries)
        {
            Entries.Add((logLevel, formatter(state, exception)));
        }
    }
}
