using JwtSessions.Revocation;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// Configuration of a <see cref="TokenValidator"/>. Mutable until a validator is built from it; the validator copies and
/// checks every value, so later changes have no effect on it.
/// </summary>
/// <threadsafety>Not thread-safe; configure on one thread, then build.</threadsafety>
public sealed class TokenValidatorOptions
{
    /// <summary>The media type of access tokens (RFC 9068 §2.1).</summary>
    public const string AccessTokenType = "at+jwt";

    /// <summary>The largest clock skew a validator accepts.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the exact issuer (<c>iss</c>) tokens must carry. Required.</summary>
    /// <value>No default.</value>
    public string? Issuer { get; set; }

    /// <summary>Gets the audiences of which <c>aud</c> must contain at least one. At least one is required.</summary>
    public IList<string> Audiences { get; } = new List<string>();

    /// <summary>Gets or sets the keys tokens may be signed with. This or <see cref="KeySource"/> is required.</summary>
    /// <value>No default.</value>
    public KeyRing? Keys { get; set; }

    /// <summary>
    /// Gets or sets a source of keys that change while the validator runs (for example <see cref="Remote.JwksKeySource"/>, the
    /// issuer's published JWK set), instead of <see cref="Keys"/>. The validator reads its current ring once per validation.
    /// </summary>
    /// <value>No default.</value>
    public KeyRingSource? KeySource { get; set; }

    /// <summary>Gets the algorithms accepted; each must also match the key it selects.</summary>
    /// <value>Empty by default, meaning the algorithms of the keys in <see cref="Keys"/>.</value>
    public ISet<JwtAlgorithm> AllowedAlgorithms { get; } = new HashSet<JwtAlgorithm>();

    /// <summary>Gets the accepted <c>typ</c> header values, compared case-insensitively with or without <c>application/</c>.</summary>
    /// <value><c>at+jwt</c> by default.</value>
    public IList<string> AcceptedTypes { get; } = new List<string> { AccessTokenType };

    /// <summary>Gets or sets the clock skew allowed on <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    /// <value>30 seconds by default; at most <see cref="MaxClockSkew"/>.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the largest token accepted, in characters (or bytes) of the token itself.</summary>
    /// <value>8 KiB by default; between 256 bytes and 64 KiB.</value>
    public int MaxTokenSize { get; set; } = 8 * 1024;

    /// <summary>Gets or sets the oldest token accepted, counted from <c>iat</c>; <see langword="null"/> for no limit.</summary>
    /// <value><see langword="null"/> by default: <c>exp</c> alone bounds the lifetime.</value>
    public TimeSpan? MaxTokenAge { get; set; }

    /// <summary>Gets or sets the clock.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the revoked sessions to reject (<see cref="TokenValidationError.Revoked"/>); <see langword="null"/> for none.</summary>
    /// <value><see langword="null"/> by default. Session managers set it to the list their store feeds.</value>
    public RevocationList? Revocations { get; set; }

    /// <summary>Gets or sets what happens while <see cref="Revocations"/> reports its feed unavailable.</summary>
    /// <value><see cref="RevocationFailureMode.UseLocalState"/> by default.</value>
    public RevocationFailureMode RevocationFailureMode { get; set; }

    /// <summary>Gets or sets a value indicating whether tokens must carry <c>sid</c>.</summary>
    /// <value><see langword="false"/> by default.</value>
    public bool RequireSessionId { get; set; }

    /// <summary>Gets or sets the verified-token cache, or <see langword="null"/> to verify every signature.</summary>
    /// <value>No cache by default.</value>
    public VerifiedTokenCacheOptions? Cache { get; set; }

    /// <summary>Gets or sets when <see cref="TokenValidator.RejectionBurst"/> fires; <see langword="null"/> turns burst detection off.</summary>
    /// <value>100 rejections within 10 seconds by default.</value>
    public RejectionBurstOptions? RejectionBurst { get; set; } = new();

    /// <summary>Refresh tokens additionally need <c>gen</c> and <c>sid</c>.</summary>
    internal bool RequireGeneration { get; set; }

    /// <summary>
    /// Lists every problem a <see cref="TokenValidator"/> would refuse in these options, one sentence each; empty when they
    /// are valid. It has no side effects; the validator's constructor runs it.
    /// </summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Issuer))
        {
            problems.Add("An issuer is required: tokens are accepted only from one exact iss.");
        }

        if (Audiences.Count == 0 || Audiences.Any(string.IsNullOrEmpty))
        {
            problems.Add("At least one non-empty audience is required (RFC 8725 §3.9).");
        }

        if (Keys is not null && KeySource is not null)
        {
            problems.Add("Set either a key ring (Keys) or a key source (KeySource), not both.");
        }
        else if (Keys is null && KeySource is null)
        {
            problems.Add("A key ring (Keys) or a key source (KeySource) is required.");
        }
        else if (Keys is not null && Keys.Keys.Count == 0)
        {
            problems.Add("The key ring is empty.");
        }

        if (ClockSkew < TimeSpan.Zero || ClockSkew > MaxClockSkew)
        {
            problems.Add($"The clock skew must be between 0 and {MaxClockSkew}.");
        }

        if (MaxTokenSize is < 256 or > 64 * 1024)
        {
            problems.Add("The maximum token size must be between 256 bytes and 64 KiB.");
        }

        if (MaxTokenAge is { } age && age <= TimeSpan.Zero)
        {
            problems.Add("The maximum token age must be positive.");
        }

        // Compared without "application/", so "application/" alone would accept a token whose typ is empty.
        if (AcceptedTypes.Count == 0
            || AcceptedTypes.Any(static t => string.IsNullOrEmpty(t) || t.Length > 64 || JoseHeaderReader.NormalizeType(t).Length == 0))
        {
            problems.Add("At least one accepted typ of 1 to 64 characters is required (RFC 8725 §3.11), besides \"application/\".");
        }

        if (RejectionBurst is { } burst && (burst.Threshold < 1 || burst.Window <= TimeSpan.Zero))
        {
            problems.Add("The rejection-burst threshold and window must be positive.");
        }

        if (Cache is { } cache && (cache.MaxEntries < 1 || cache.MaxBytes < 1))
        {
            problems.Add("The verified-token cache needs room for at least one entry and one byte.");
        }

        return problems;
    }
}
