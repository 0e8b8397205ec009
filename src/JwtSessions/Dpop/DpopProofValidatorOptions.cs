using JwtSessions.Signing;

namespace JwtSessions.Dpop;

/// <summary>
/// Configuration of a <see cref="DpopProofValidator"/>. Mutable until a validator is built from it; the validator copies and
/// checks every value (<see cref="Validate"/>), so later changes have no effect on it.
/// </summary>
/// <threadsafety>Not thread-safe; configure on one thread, then build.</threadsafety>
public sealed class DpopProofValidatorOptions
{
    /// <summary>The shortest <see cref="NonceKey"/> accepted, in bytes.</summary>
    public const int MinNonceKeyBytes = 32;

    /// <summary>The default <see cref="KeyCacheSize"/>: 1024 keys.</summary>
    public const int DefaultKeyCacheSize = 1024;

    /// <summary>The largest <see cref="KeyCacheSize"/>: 65,536 keys.</summary>
    public const int MaxKeyCacheSize = 65_536;

    /// <summary>
    /// Gets the algorithms a proof may be signed with: asymmetric only (<c>none</c> has no value, and an HMAC algorithm is
    /// refused by <see cref="Validate"/>, since a client's proof key must be one the server cannot sign with).
    /// </summary>
    /// <value>ES256, EdDSA, PS256 and RS256 by default.</value>
    public ISet<JwtAlgorithm> AllowedAlgorithms { get; } = new HashSet<JwtAlgorithm>
    {
        JwtAlgorithm.ES256, JwtAlgorithm.EdDSA, JwtAlgorithm.PS256, JwtAlgorithm.RS256,
    };

    /// <summary>Gets or sets how old a proof may be, counted from its <c>iat</c> (RFC 9449 §11.1); also how long its <c>jti</c> is remembered.</summary>
    /// <value>2 minutes by default; between 1 second and 1 hour.</value>
    public TimeSpan IatWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how far in the future a proof's <c>iat</c> may lie (the client's clock running ahead).</summary>
    /// <value>10 seconds by default; between zero and 5 minutes.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest proof accepted, in characters.</summary>
    /// <value>4 KiB by default (an RS256 proof with a 4096-bit key is about 2 KiB); between 512 bytes and 16 KiB.</value>
    public int MaxProofSize { get; set; } = 4096;

    /// <summary>
    /// Gets or sets the secret that makes and checks server nonces (RFC 9449 §8), or <see langword="null"/> to use none. With
    /// a key, every proof must carry a nonce this server (or another holding the same key) made within
    /// <see cref="NonceLifetime"/>; nonces are stateless (a time and its HMAC), so servers sharing the key need no shared state.
    /// </summary>
    /// <value>None by default; at least <see cref="MinNonceKeyBytes"/> bytes from a CSPRNG.</value>
    public byte[]? NonceKey { get; set; }

    /// <summary>Gets or sets how long a server nonce is accepted after it was made.</summary>
    /// <value>5 minutes by default; between 1 second and 1 hour.</value>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how many imported proof keys the validator keeps, so that a client's key, the same in every proof, is
    /// imported once rather than per proof; 0 imports every proof's key afresh. The cache is a fixed array of slots, never
    /// grown: proofs under ever new keys replace entries and never enlarge it, and an entry is reused only for byte-identical
    /// key members (docs/dpop.md, "The proof key cache").
    /// </summary>
    /// <value>1024 by default (a few MB at most, RSA keys being the largest); between 0 and 65,536.</value>
    public int KeyCacheSize { get; set; } = DefaultKeyCacheSize;

    /// <summary>Lists every problem of this configuration by setting name; empty when it is valid. Pure: changes nothing.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (AllowedAlgorithms.Count == 0)
        {
            problems.Add($"{nameof(AllowedAlgorithms)} must name at least one algorithm.");
        }

        foreach (var algorithm in AllowedAlgorithms)
        {
            if (!Enum.IsDefined(algorithm) || algorithm.GetKeyType() == SigningKeyType.Symmetric)
            {
                problems.Add($"{nameof(AllowedAlgorithms)} may hold asymmetric algorithms only; {algorithm} is not one.");
            }
        }

        if (IatWindow < TimeSpan.FromSeconds(1) || IatWindow > TimeSpan.FromHours(1))
        {
            problems.Add($"{nameof(IatWindow)} must be between 1 second and 1 hour.");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
        {
            problems.Add($"{nameof(ClockSkew)} must be between zero and 5 minutes.");
        }

        if (MaxProofSize is < 512 or > 16 * 1024)
        {
            problems.Add($"{nameof(MaxProofSize)} must be between 512 and 16384.");
        }

        if (NonceKey is { Length: < MinNonceKeyBytes })
        {
            problems.Add($"{nameof(NonceKey)} must have at least {MinNonceKeyBytes} bytes.");
        }

        if (NonceLifetime < TimeSpan.FromSeconds(1) || NonceLifetime > TimeSpan.FromHours(1))
        {
            problems.Add($"{nameof(NonceLifetime)} must be between 1 second and 1 hour.");
        }

        if (KeyCacheSize is < 0 or > MaxKeyCacheSize)
        {
            problems.Add($"{nameof(KeyCacheSize)} must be between 0 and {MaxKeyCacheSize}.");
        }

        return problems;
    }
}
