using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Support;

/// <summary>The suite's logger factory and provider: every logger it makes writes to <see cref="SuiteLogs"/>. Other providers added to it are ignored.</summary>
internal sealed class SuiteLoggerFactory : ILoggerFactory, ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SuiteLogger(categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
        // Shared by the whole assembly: a container disposing it must not end the capture.
    }
}
