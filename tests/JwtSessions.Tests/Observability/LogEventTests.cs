using System.Reflection;
using System.Text.RegularExpressions;
using JwtSessions.Tests.Architecture;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Observability;

/// <summary>
/// The source-generated log events (<see cref="LoggerMessageAttribute"/>) of the libraries: each event id is used once, and
/// docs/observability.md's "Logs" table lists exactly those ids, each with the category that writes it.
/// </summary>
public sealed partial class LogEventTests
{
    private static readonly Assembly[] s_libraries = [typeof(JwtSessionsTelemetry).Assembly, typeof(JwtSessions.Redis.RedisSessionStore).Assembly];

    [Test]
    public void LoggerMessages_AllLibraries_EachEventIdUsedOnce()
    {
        var events = Events();

        events.Should().NotBeEmpty();
        events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}")
            .Should().BeEmpty("an event id names one event");
    }

    [Test]
    public void LoggerMessages_ObservabilityDoc_ListsEveryEventIdWithItsCategory()
    {
        var documented = new List<(int Id, string Category)>();
        var text = File.ReadAllText(Path.Combine(PublicSurfaceTests.RepositoryRoot(), "docs", "observability.md"));
        var logs = text[text.IndexOf("\n## Logs", StringComparison.Ordinal)..];
        logs = logs[..logs.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        foreach (Match row in DocRow().Matches(logs))
        {
            var first = int.Parse(row.Groups["first"].Value, System.Globalization.CultureInfo.InvariantCulture);
            var last = row.Groups["last"].Success ? int.Parse(row.Groups["last"].Value, System.Globalization.CultureInfo.InvariantCulture) : first;
            for (var id = first; id <= last; id++)
            {
                documented.Add((id, row.Groups["category"].Value));
            }
        }

        documented.Should().BeEquivalentTo(Events().Select(e => (e.Id, e.Category)), "docs/observability.md lists every log event id and its category");
    }

    private static List<(int Id, string Category, string Method)> Events()
    {
        var events = new List<(int Id, string Category, string Method)>();
        foreach (var type in s_libraries.SelectMany(a => a.GetTypes()))
        {
            foreach (var method in type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } message)
                {
                    var category = type;
                    while (category.DeclaringType is not null)
                    {
                        category = category.DeclaringType;
                    }

                    events.Add((message.EventId, category.Name, $"{category.Name}.{method.Name}"));
                }
            }
        }

        return events;
    }

    // A row of the table: | 20–24 | Level | `Category` | ... (an en dash or a hyphen between the ends of a range).
    [GeneratedRegex(@"^\| (?<first>\d+)(?:[–-](?<last>\d+))? \| [^|]+ \| `(?<category>\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex DocRow();
}
