using JwtSessions.Remote;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// Configuration of a server that only validates access tokens (an API or mobile backend behind the issuing server):
/// the issuer's public keys, no signing key. Registered with <c>AddJwtSessionsValidation</c>; see docs/sessions.md.
/// </summary>
/// <threadsafety>Not thread-safe; configure on one thread at start-up.</threadsafety>
public sealed class AccessTokenValidationOptions
{
    /// <summary>Gets or sets the issuer (<c>iss</c>) tokens must come from. Required.</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the audience (<c>aud</c>) tokens must be for: this API. Required.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Gets or sets the issuer's keys, public halves are enough (for example <see cref="KeyRing.FromJwks"/>). This or
    /// <see cref="RemoteKeys"/> is required.
    /// </summary>
    public KeyRing? Keys { get; set; }

    /// <summary>
    /// Gets or sets where and how to fetch the issuer's published JWK set instead of fixed <see cref="Keys"/>: the registration
    /// adds a <see cref="JwksKeySource"/> that fetches with an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>, and the
    /// validator follows its key rotations (docs/resource-servers.md).
    /// </summary>
    /// <value><see langword="null"/> by default.</value>
    public JwksKeySourceOptions? RemoteKeys { get; set; }

    /// <summary>
    /// Gets or sets the issuer's revocation endpoint to poll, for a server that does not share the issuer's session store: the
    /// registration adds a <see cref="RevocationPoller"/>, and the validator rejects revoked sessions' tokens (and tokens
    /// without <c>sid</c>). Takes precedence over a registered session store's feed.
    /// </summary>
    /// <value><see langword="null"/> by default.</value>
    public RevocationPollerOptions? RemoteRevocations { get; set; }

    /// <summary>Gets or sets the clock skew allowed on <c>exp</c> and <c>nbf</c>; the issuing servers' value.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest access-token lifetime the issuer uses: a revoked session stays in the revocation list for this
    /// plus <see cref="ClockSkew"/>, after which none of its access tokens can validate anyway.
    /// </summary>
    /// <value>5 minutes, the session policy's default.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets what validation does while the store's revocation feed is unavailable.</summary>
    /// <value><see cref="RevocationFailureMode.UseLocalState"/>.</value>
    public RevocationFailureMode RevocationFailureMode { get; set; }

    /// <summary>Gets or sets the verified-token cache; <see langword="null"/> to verify every signature.</summary>
    /// <value>A cache with default bounds.</value>
    public VerifiedTokenCacheOptions? Cache { get; set; } = new();

    /// <summary>Lists every problem that would make the validator refuse this configuration; empty when it is valid.</summary>
    /// <returns>The problems, one sentence each, naming the setting.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Keys is null == RemoteKeys is null)
        {
            problems.Add("Set one of Keys (the issuer's public keys) and RemoteKeys (its published JWK set).");
        }

        if (RemoteKeys is not null)
        {
            problems.AddRange(RemoteKeys.Validate().Select(static p => "RemoteKeys." + p));
        }

        if (RemoteRevocations is not null)
        {
            problems.AddRange(RemoteRevocations.Validate().Select(static p => "RemoteRevocations." + p));
        }

        if (AccessTokenLifetime <= TimeSpan.Zero)
        {
            problems.Add("AccessTokenLifetime must be positive.");
        }

        if (problems.Count == 0)
        {
            // The validator's own rules, with a stand-in for the source the registration builds from RemoteKeys.
            problems.AddRange(ToValidatorOptions(TimeProvider.System, revocations: null, RemoteKeys is null ? null : new PendingKeySource()).Validate());
        }

        return problems;
    }

    internal TokenValidatorOptions ToValidatorOptions(TimeProvider time, Revocation.RevocationList? revocations, KeyRingSource? keySource)
    {
        var options = new TokenValidatorOptions
        {
            Issuer = Issuer,
            Keys = keySource is null ? Keys : null,
            KeySource = keySource,
            ClockSkew = ClockSkew,
            TimeProvider = time,
            Revocations = revocations,
            RevocationFailureMode = RevocationFailureMode,
            RequireSessionId = revocations is not null,
            Cache = Cache,
        };
        if (!string.IsNullOrEmpty(Audience))
        {
            options.Audiences.Add(Audience);
        }

        return options;
    }

    /// <summary>Stands for the <see cref="JwksKeySource"/> of <see cref="RemoteKeys"/> while the options are checked.</summary>
    private sealed class PendingKeySource : KeyRingSource;
}
