using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Support;

/// <summary>A logger of the suite's capture (<see cref="SuiteLogs"/>): enabled at every level, it formats and scans everything written to it.</summary>
internal class SuiteLogger(string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        SuiteLogs.Count();
        if (!SuiteLogs.Scan(category, default, "scope", state.ToString()) && state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var value in values)
            {
                if (SuiteLogs.Scan(category, default, "scope value " + value.Key, value.Value?.ToString()))
                {
                    break;
                }
            }
        }

        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        SuiteLogs.Count();
        if (SuiteLogs.Scan(category, eventId, "message", formatter(state, exception)))
        {
            return;
        }

        if (state is IEnumerable<KeyValuePair<string, object?>> values)
        {
            foreach (var value in values)
            {
                if (SuiteLogs.Scan(category, eventId, "value " + value.Key, value.Value?.ToString()))
                {
                    return;
                }
            }
        }

        if (exception is not null)
        {
            SuiteLogs.Scan(category, eventId, "exception", exception.ToString());
        }
    }
}
