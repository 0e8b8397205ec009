namespace JwtSessions.Benchmarks;

/// <summary>The allocation budgets of the hot-path benchmarks; docs/benchmarks.md explains each.</summary>
internal static class AllocationBudgets
{
    /// <summary>
    /// A cold successful validation allocates the result's claims and nothing else: one <c>TokenClaims</c> (160 B) and its
    /// copy of the decoded payload (280 B for the benchmark token); docs/benchmarks.md. The test suite pins the exact figure.
    /// </summary>
    public const int ColdValidation = 512;
}
