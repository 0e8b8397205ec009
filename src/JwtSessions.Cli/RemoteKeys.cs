using JwtSessions.Remote;
using JwtSessions.Signing;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Cli;

/// <summary>
/// <c>verify --jwks-url</c>: one fetch of a published JWK set through the library's <see cref="JwksKeySource"/>, so the tool
/// holds the set to the rules a resource server does (HTTPS or loopback, size cap, no redirect, timeout, strict public-key import).
/// </summary>
internal static class RemoteKeys
{
    public static KeyRing Fetch(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new CliException($"'{url}' is not an absolute URL for --jwks-url.");
        }

        var options = new JwksKeySourceOptions { JwksUri = uri };
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CliException($"--jwks-url: {string.Join(" ", problems).Replace("JwksUri", "the URL", StringComparison.Ordinal)}");
        }

        var failure = new FailureLogger();

        // A real clock: the fetch's timeout is wall time even when --at fixes the validation time.
        using var source = new JwksKeySource(options, httpClient: null, TimeProvider.System, failure);
        if (!source.RefreshAsync().GetAwaiter().GetResult())
        {
            throw new CliException($"Could not use the JWK set at {uri}: {failure.Reason ?? "the fetch failed"}.");
        }

        // A copy of the fetched set: disposing the source releases its own keys (a source fails closed once disposed).
        return KeyRing.FromJwks(source.Current.ToJwks());
    }

    /// <summary>Keeps the reason and detail of the source's failure log entry (reason codes and key-rule messages, never key material).</summary>
    private sealed class FailureLogger : ILogger<JwksKeySource>
    {
        public string? Reason { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < LogLevel.Warning || state is not IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                return;
            }

            var reason = values.FirstOrDefault(static v => v.Key == "Reason").Value as string;
            var detail = values.FirstOrDefault(static v => v.Key == "Detail").Value as string;
            if (reason is not null)
            {
                Reason = string.IsNullOrEmpty(detail) ? reason : $"{reason} ({detail.TrimEnd('.')})";
            }
        }
    }
}
