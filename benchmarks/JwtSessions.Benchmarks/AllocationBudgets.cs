namespace JwtSessions.Benchmarks;

/// <summary>The allocation budgets of the hot-path benchmarks; docs/benchmarks.md explains each.</summary>
internal static class AllocationBudgets
{
    /// <summary>
    /// A cold successful validation allocates the result's claims and nothing else: one <c>TokenClaims</c> (184 B) and its
    /// copy of the decoded payload (280 B for the benchmark token); docs/benchmarks.md. The test suite pins the exact figure.
    /// </summary>
    public const int ColdValidation = 512;

    /// <summary>
    /// No more than the benchmark class's baseline, the bare signature primitive, allocates in the same run (plus 16 bytes for
    /// OpenSSL's run-to-run jitter, less than any object of ours): a cold asymmetric validation into a caller's buffer allocates
    /// only what ECDsa.VerifyData or BouncyCastle's Ed25519.Verify allocate themselves.
    /// </summary>
    public const int SameAsPrimitive = -1;

    /// <summary>The allowance over the primitive's allocation for <see cref="SameAsPrimitive"/>.</summary>
    public const int PrimitiveJitter = 16;
}
