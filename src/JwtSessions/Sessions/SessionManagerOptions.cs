using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Sessions;

/// <summary>Configuration of a <see cref="SessionManager"/>; copied and checked when the manager is built.</summary>
/// <threadsafety>Not thread-safe; configure on one thread, then build.</threadsafety>
public sealed class SessionManagerOptions
{
    /// <summary>Gets or sets the issuer (<c>iss</c>) of every token. Required.</summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the audience (<c>aud</c>) of access tokens: the API they are for. Required.</summary>
    public string? Audience { get; set; }

    /// <summary>
    /// Gets or sets the audience of refresh tokens: the token endpoint. Must differ from <see cref="Audience"/>, so a refresh
    /// token is never accepted as an access token and the reverse (RFC 8725 §3.11, §3.12).
    /// </summary>
    /// <value><see cref="Issuer"/> followed by <c>#refresh</c> by default.</value>
    public string? RefreshAudience { get; set; }

    /// <summary>Gets or sets the keys of access tokens; the active key signs. Required.</summary>
    public KeyRing? AccessTokenKeys { get; set; }

    /// <summary>
    /// Gets or sets the keys of refresh tokens, which only the session manager reads. Every server sharing a store needs the
    /// same ring.
    /// </summary>
    /// <value>
    /// By default a fresh HS256 key made for this manager, which suits a single server: refresh tokens then die with the process.
    /// A manager on any other store than <see cref="InMemorySessionStore"/> logs a warning when this is not set.
    /// </value>
    public KeyRing? RefreshTokenKeys { get; set; }

    /// <summary>Gets or sets the session lifetimes.</summary>
    /// <value><see cref="SessionPolicy.Default"/>.</value>
    public SessionPolicy Policy { get; set; } = SessionPolicy.Default;

    /// <summary>
    /// Gets or sets what a refresh whose request context differs from the session's does (another user-agent family, network
    /// or device id); applied by <see cref="SessionManager.RefreshAsync(string?, SessionRequestContext?, CancellationToken)"/>.
    /// </summary>
    /// <value><see cref="SessionContextPolicy.Default"/>: step-up on another browser or OS family, revocation on another device id.</value>
    public SessionContextPolicy ContextPolicy { get; set; } = SessionContextPolicy.Default;

    /// <summary>Gets or sets the clock skew allowed on access tokens. Refresh tokens, read only by this fleet, allow none.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets what access-token validation does while the store's revocation feed is unavailable.</summary>
    /// <value><see cref="RevocationFailureMode.UseLocalState"/>.</value>
    public RevocationFailureMode RevocationFailureMode { get; set; }

    /// <summary>Gets or sets the verified-token cache of the access-token validator; <see langword="null"/> to verify every signature.</summary>
    /// <value>A cache with default bounds.</value>
    public VerifiedTokenCacheOptions? AccessTokenCache { get; set; } = new();

    /// <summary>
    /// Gets or sets the DPoP proof validator that binds sessions to a client's key (RFC 9449, docs/dpop.md): a sign-in with a
    /// proof binds the session, and every refresh of a bound session must come with a proof of the same key.
    /// </summary>
    /// <value>None by default: proofs sent at sign-in are ignored and no session is bound.</value>
    public Dpop.DpopProofValidator? DpopProofValidator { get; set; }

    /// <summary>
    /// Lists every problem of this configuration that a <see cref="SessionManager"/> would refuse, with a message naming the
    /// setting; empty when it is valid. It has no side effects (no key is generated, no store or timer made), so start-up
    /// validation and the manager's constructor run the same rules.
    /// </summary>
    /// <returns>The problems, one sentence each; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate() => ValidateInContainer(registeredDpopProofValidator: false);

    /// <summary>
    /// As <see cref="Validate"/>, for a container where <c>AddJwtSessionsDpop</c> registered the proof validator: it stands in
    /// for <see cref="DpopProofValidator"/>, which must then be left unset, so that the manager and the authentication
    /// handler share one validator (one replay cache, one nonce key).
    /// </summary>
    internal IReadOnlyList<string> ValidateInContainer(bool registeredDpopProofValidator)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(Issuer))
        {
            problems.Add("Issuer is required.");
        }

        if (string.IsNullOrEmpty(Audience))
        {
            problems.Add("Audience (the access tokens' audience) is required.");
        }

        if (AccessTokenKeys is null)
        {
            problems.Add("AccessTokenKeys is required.");
        }

        if (!string.IsNullOrEmpty(Audience) && SessionTokenFactory.RefreshAudience(this) == Audience)
        {
            problems.Add("RefreshAudience must differ from Audience: refresh tokens need an audience of their own.");
        }

        if (Policy is null)
        {
            problems.Add("Policy is required.");
        }
        else
        {
            try
            {
                Policy.Validate();
            }
            catch (ArgumentException ex)
            {
                problems.Add("Policy: " + ex.Message);
            }
        }

        if (ContextPolicy is null)
        {
            problems.Add("ContextPolicy is required.");
        }
        else
        {
            problems.AddRange(ContextPolicy.Validate());
        }

        if (Policy is not null && ClockSkew >= TimeSpan.Zero && Policy.IdleTimeout - ClockSkew < TimeSpan.FromSeconds(1))
        {
            // Access tokens end ClockSkew before the session's deadline: a new session needs room for one.
            problems.Add("Policy.IdleTimeout must exceed ClockSkew by at least a second.");
        }

        if (registeredDpopProofValidator && DpopProofValidator is not null)
        {
            problems.Add("DpopProofValidator must be left unset when a DpopProofValidator is registered in the container (AddJwtSessionsDpop): the session manager uses the registered one.");
        }

        if (Policy is not null && (Policy.RequireDpop || Policy.DpopRequiredClientIds.Count > 0) && DpopProofValidator is null && !registeredDpopProofValidator)
        {
            problems.Add("DpopProofValidator is required when Policy.RequireDpop or Policy.DpopRequiredClientIds asks for DPoP.");
        }

        if (problems.Count == 0)
        {
            problems.AddRange(SessionTokenFactory.Problems(this, Policy!));
        }

        return problems;
    }
}
