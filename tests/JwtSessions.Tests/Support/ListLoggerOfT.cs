using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Support;

/// <summary>Keeps every log entry of category <typeparamref name="T"/> with its event id and formatted message, and passes it on to the suite's capture (<see cref="SuiteLogs"/>).</summary>
/// <typeparam name="T">The category.</typeparam>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly ILogger _suite = SuiteLogs.For<T>();

    public List<(EventId EventId, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _suite.Log(logLevel, eventId, state, exception, formatter);
        lock (Entries)
        {
            Entries.Add((eventId, formatter(state, exception)));
        }
    }
}
