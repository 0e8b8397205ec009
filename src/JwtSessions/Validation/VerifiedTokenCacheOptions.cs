namespace JwtSessions.Validation;

/// <summary>Bounds of the verified-token cache of a <see cref="TokenValidator"/>.</summary>
/// <threadsafety>Not thread-safe; configure, then build.</threadsafety>
public sealed class VerifiedTokenCacheOptions
{
    /// <summary>Gets or sets the most tokens held.</summary>
    /// <value>10,000 by default.</value>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Gets or sets the most bytes of token text held.</summary>
    /// <value>16 MiB by default.</value>
    public long MaxBytes { get; set; } = 16L * 1024 * 1024;
}
