using JwtSessions.Signing;

namespace JwtSessions.Issuance;

/// <summary>Configuration of a <see cref="TokenIssuer"/>; copied and checked when the issuer is built.</summary>
/// <threadsafety>Not thread-safe; configure on one thread, then build.</threadsafety>
public sealed class TokenIssuerOptions
{
    /// <summary>The longest access-token lifetime any configuration may allow.</summary>
    public static readonly TimeSpan MaxAllowedLifetime = TimeSpan.FromHours(24);

    /// <summary>Gets or sets the issuer (<c>iss</c>) written into every token. Required.</summary>
    /// <value>No default.</value>
    public string? Issuer { get; set; }

    /// <summary>Gets the audiences (<c>aud</c>) written into every token. At least one is required.</summary>
    public IList<string> Audiences { get; } = new List<string>();

    /// <summary>Gets or sets the keys; tokens are signed with <see cref="KeyRing.ActiveKey"/>. Required.</summary>
    /// <value>No default.</value>
    public KeyRing? Keys { get; set; }

    /// <summary>Gets or sets the lifetime of a token whose descriptor names none.</summary>
    /// <value>5 minutes by default.</value>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the longest lifetime a descriptor may ask for; longer requests throw.</summary>
    /// <value>1 hour by default; at most <see cref="MaxAllowedLifetime"/>.</value>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the clock.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets or sets the <c>typ</c> header (RFC 8725 §3.11: explicit typing), which validators check against their
    /// <see cref="Validation.TokenValidatorOptions.AcceptedTypes"/>: a media type without parameters, 1 to 64 characters
    /// of letters, digits and <c>!#$&amp;^_.+-</c>, optionally with the <c>application/</c> prefix.
    /// </summary>
    /// <value><c>at+jwt</c> (RFC 9068) by default.</value>
    public string Type { get; set; } = Validation.TokenValidatorOptions.AccessTokenType;

    /// <summary>
    /// Gets or sets the largest token this issuer mints, in characters: a token over it is refused before anything is signed,
    /// rather than minted and then rejected as <c>too_large</c> by every validator with the same limit
    /// (<see cref="Validation.TokenValidatorOptions.MaxTokenSize"/>). Keep the two equal.
    /// </summary>
    /// <value>8 KiB by default, the validators' default; between 256 bytes and 64 KiB, the validators' bounds.</value>
    public int MaxTokenSize { get; set; } = 8 * 1024;

    /// <summary>Gets or sets a higher lifetime ceiling, for refresh tokens that live as long as a session.</summary>
    internal TimeSpan? MaxAllowedLifetimeOverride { get; set; }

    /// <summary>
    /// Lists every problem a <see cref="TokenIssuer"/> would refuse in these options, one sentence each; empty when they are
    /// valid. It has no side effects; the issuer's constructor runs it.
    /// </summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Issuer))
        {
            problems.Add("An issuer is required.");
        }

        if (Audiences.Count == 0 || Audiences.Any(string.IsNullOrEmpty))
        {
            problems.Add("At least one non-empty audience is required.");
        }

        if (!TokenIssuer.IsMediaType(Type))
        {
            problems.Add("The type must be a media type without parameters: 1 to 64 letters, digits or !#$&^_.+- characters, optionally after \"application/\".");
        }

        if (Keys?.ActiveKey is null)
        {
            problems.Add("A key ring with an active signing key is required.");
        }

        if (MaxTokenSize is < 256 or > 64 * 1024)
        {
            problems.Add("The maximum token size must be between 256 bytes and 64 KiB.");
        }

        var ceiling = MaxAllowedLifetimeOverride ?? MaxAllowedLifetime;
        if (MaxLifetime < TimeSpan.FromSeconds(1) || MaxLifetime > ceiling)
        {
            problems.Add($"The maximum lifetime must be between 1 second and {ceiling}.");
        }
        else if (DefaultLifetime < TimeSpan.FromSeconds(1) || DefaultLifetime > MaxLifetime)
        {
            problems.Add("The default lifetime must be between 1 second and the maximum lifetime.");
        }

        return problems;
    }
}
