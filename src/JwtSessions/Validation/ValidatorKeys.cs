using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// Everything a validator derives from one key ring, swapped as one object: the ring, the algorithms it allows, the
/// accepted-header memo (whose entries name keys of this ring) and the verified-token cache (whose entries were verified by
/// keys of this ring). A validation reads it once, so it never mixes two rings.
/// </summary>
internal sealed class ValidatorKeys
{
    private ValidatorKeys(KeyRing ring, int allowedAlgorithms, VerifiedTokenCache? cache)
    {
        Ring = ring;
        AllowedAlgorithms = allowedAlgorithms;
        Cache = cache;
    }

    public KeyRing Ring { get; }

    public int AllowedAlgorithms { get; }

    public AcceptedHeaderMemo AcceptedHeaders { get; } = new();

    public VerifiedTokenCache? Cache { get; }

    /// <summary>The first keys of a validator.</summary>
    /// <param name="ring">The ring.</param>
    /// <param name="configuredAlgorithms">The configured allowlist; empty for the algorithms of the ring's keys.</param>
    /// <param name="cache">A new, empty cache, or null.</param>
    public static ValidatorKeys Create(KeyRing ring, ISet<JwtAlgorithm> configuredAlgorithms, VerifiedTokenCache? cache)
        => new(ring, Mask(ring, configuredAlgorithms), cache);

    /// <summary>
    /// The keys after a switch to <paramref name="ring"/>: a fresh memo, and a cache holding only the entries verified by a key
    /// the new ring still has (the same instance: a source keeps the instance of an unchanged key). Tokens of a removed key
    /// stop validating at once, cached or not.
    /// </summary>
    public ValidatorKeys Next(KeyRing ring, ISet<JwtAlgorithm> configuredAlgorithms)
        => new(ring, Mask(ring, configuredAlgorithms), Cache?.CopyFor(ring));

    /// <summary>
    /// The configured allowlist, else the algorithms of the ring's keys. An empty ring (a source with no keys yet) allows every
    /// algorithm: no key can verify anyway, and tokens then fail as <see cref="TokenValidationError.UnknownKey"/>, the cause.
    /// </summary>
    private static int Mask(KeyRing ring, ISet<JwtAlgorithm> configuredAlgorithms)
        => configuredAlgorithms.Count > 0 ? JoseHeaderReader.AlgorithmMask(configuredAlgorithms)
            : ring.Keys.Count > 0 ? JoseHeaderReader.AlgorithmMask(ring.Keys.Select(static k => k.Algorithm))
            : JoseHeaderReader.AlgorithmMask(Enum.GetValues<JwtAlgorithm>());
}
