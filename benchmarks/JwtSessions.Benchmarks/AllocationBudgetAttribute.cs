namespace JwtSessions.Benchmarks;

/// <summary>
/// The most bytes one operation of a hot-path benchmark of ours may allocate. <c>--ci</c> runs every benchmark carrying it with
/// a short job and fails when the measured allocation exceeds it; docs/benchmarks.md explains each budget.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AllocationBudgetAttribute(int bytes) : Attribute
{
    /// <summary>Gets the budget in bytes per operation.</summary>
    public int Bytes { get; } = bytes;
}
