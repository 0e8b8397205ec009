using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework.Internal;

namespace JwtSessions.Tests.Support;

/// <summary>
/// The one logger provider of a test assembly: every logger the tests and their helpers create writes here, at
/// <see cref="LogLevel.Trace"/>, so every message is formatted. Each message, its structured values, its exception and
/// every scope are scanned for token-shaped text (<see cref="TokenShapes"/>) as they are written; only the findings (event
/// id, category, shape, never the text) and a count are kept, so memory stays bounded however long the suite runs. The
/// assembly's set-up fixture (<c>SuiteLogCheck</c>) fails the run on a finding once every test has run (docs/security.md:
/// never a token, key or secret in a log).
/// </summary>
internal static class SuiteLogs
{
    /// <summary>Findings kept at most; further ones are only counted.</summary>
    private const int MaxFindings = 100;

    private static readonly ConcurrentQueue<string> s_findings = new();
    private static long s_messages;
    private static long s_findingCount;

    /// <summary>Gets the provider and factory every test logger comes from.</summary>
    public static SuiteLoggerFactory Factory { get; } = new();

    /// <summary>Gets how many messages (and scopes) were written and scanned.</summary>
    public static long MessageCount => Interlocked.Read(ref s_messages);

    /// <summary>Gets how many token-shaped values were found.</summary>
    public static long FindingCount => Interlocked.Read(ref s_findingCount);

    /// <summary>Gets the first findings, each naming the event id, the category and the shape, never the text.</summary>
    public static IReadOnlyCollection<string> Findings => s_findings;

    /// <summary>A logger of category <typeparamref name="T"/> writing to the suite's capture.</summary>
    public static ILogger<T> For<T>() => new SuiteLogger<T>();

    /// <summary>A service collection whose <see cref="ILoggerFactory"/> and <see cref="ILogger{TCategoryName}"/> write to the suite's capture.</summary>
    public static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        AddTo(services);
        return services;
    }

    /// <summary>Makes a container's loggers write to the suite's capture.</summary>
    public static IServiceCollection AddTo(IServiceCollection services)
    {
        services.AddSingleton<ILoggerFactory>(Factory);
        services.AddSingleton(typeof(ILogger<>), typeof(SuiteLogger<>));
        return services;
    }

    /// <summary>
    /// Scans one written text; called by every suite logger for each message, value, exception and scope, in that order,
    /// until one is found (so a log entry counts once).
    /// </summary>
    /// <returns><see langword="true"/> when the text held a token shape (and was recorded as a finding).</returns>
    public static bool Scan(string category, EventId eventId, string part, string? text)
    {
        if (text is null || TokenShapes.Find(text) is not { } shape)
        {
            return false;
        }

        Interlocked.Increment(ref s_findingCount);
        if (s_findings.Count < MaxFindings)
        {
            s_findings.Enqueue($"event {eventId.Id} ({eventId.Name ?? "unnamed"}) of category {category}: {shape} in its {part}");
        }

        return true;
    }

    /// <summary>Counts one written message or scope.</summary>
    public static void Count() => Interlocked.Increment(ref s_messages);

    /// <summary>
    /// Fails the run when any log held token-shaped text, naming each event id and category (never the text); and, when
    /// the whole assembly ran, when fewer than <paramref name="minimumMessages"/> were captured, so the check cannot pass
    /// because nothing was logged. Called by the assembly's set-up fixture once every test has run.
    /// </summary>
    public static void AssertClean(long minimumMessages)
    {
        var total = TestExecutionContext.CurrentContext.CurrentTest.TestCaseCount;
        var result = TestContext.CurrentContext.Result;
        var ran = result.PassCount + result.FailCount + result.WarningCount + result.InconclusiveCount + result.SkipCount;
        TestContext.Progress.WriteLine(
            $"Suite logs: {MessageCount} messages and scopes scanned from {ran} of {total} tests, {FindingCount} token-shaped.");
        if (FindingCount > 0)
        {
            Assert.Fail($"{FindingCount} log entries held token-shaped text:{Environment.NewLine}{string.Join(Environment.NewLine, Findings)}");
        }

        // A filtered run (a few tests) may log little; the whole suite must have logged at least the floor.
        if (ran * 10 >= total * 9 && MessageCount < minimumMessages)
        {
            Assert.Fail($"Only {MessageCount} log messages were captured from the whole suite (at least {minimumMessages} expected): are the test loggers still the suite's?");
        }
    }
}
