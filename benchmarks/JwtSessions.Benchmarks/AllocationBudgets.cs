namespace JwtSessions.Benchmarks;

/// <summary>The allocation budgets of the hot-path benchmarks; docs/benchmarks.md explains each.</summary>
internal static class AllocationBudgets
{
    /// <summary>
    /// A cold successful validation allocates the result's claims object and nothing else; see docs/benchmarks.md.
    /// </summary>
    public const int ColdValidation = 1024;
}
