using System.Globalization;
using JwtSessions.Signing;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>The <c>name=value</c> settings of the <c>--wrk</c> and <c>--pipeline</c> modes, and the median they report.</summary>
internal sealed class RunSettings
{
    private readonly Dictionary<string, string> _values;

    private RunSettings(Dictionary<string, string> values) => _values = values;

    /// <summary>The algorithms to run: <c>Algorithm=</c>'s one, or HS256 and ES256.</summary>
    public IReadOnlyList<JwtAlgorithm> Algorithms
        => _values.TryGetValue("Algorithm", out var name) ? [Enum.Parse<JwtAlgorithm>(name)] : [JwtAlgorithm.HS256, JwtAlgorithm.ES256];

    public static RunSettings Parse(string[] args)
        => new(args.Where(static a => a.Contains('=', StringComparison.Ordinal)).Select(static a => a.Split('=', 2))
            .ToDictionary(static p => p[0], static p => p[1], StringComparer.OrdinalIgnoreCase));

    public int Get(string name, int fallback)
        => _values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
