using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>Requests per second of one sequential caller: one second over the median time of a request.</summary>
public sealed class RequestsPerSecondColumn : IColumn
{
    public string Id => nameof(RequestsPerSecondColumn);

    public string ColumnName => "Req/s (1 caller)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Requests per second of one sequential caller, from the median (1 s / Median)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        => summary[benchmarkCase]?.ResultStatistics is { Median: > 0 } statistics
            ? (1e9 / statistics.Median).ToString("N0", CultureInfo.InvariantCulture)
            : "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
