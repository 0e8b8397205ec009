namespace JwtSessions.Sessions;

/// <summary>
/// How long sessions and their tokens live. Immutable; checked when a <see cref="SessionManager"/> is built.
/// </summary>
/// <remarks>
/// <para>
/// A session ends at the first of: its idle deadline (no refresh within <see cref="IdleTimeout"/>), its absolute deadline
/// (<see cref="AbsoluteLifetime"/> after sign-in, which no refresh extends), logout, or revocation. Access tokens live
/// <see cref="AccessTokenLifetime"/>; neither an access token's nor a refresh token's <c>exp</c> is ever past either
/// deadline. docs/sessions.md explains the defaults.
/// </para>
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed record SessionPolicy
{
    /// <summary>The longest absolute lifetime any policy may have.</summary>
    public static readonly TimeSpan MaxAbsoluteLifetime = TimeSpan.FromDays(400);

    /// <summary>
    /// The default <see cref="MaxSessionsPerSubject"/>: far above what one person's devices, browsers and apps hold within an
    /// idle timeout, small enough that one account holds 0.02 % of the in-memory store's default capacity and that "log out
    /// everywhere" revokes at most 200 sessions (docs/sessions.md gives the measured costs).
    /// </summary>
    public const int DefaultMaxSessionsPerSubject = 200;

    /// <summary>The largest <see cref="MaxSessionsPerSubject"/> a policy may set: it bounds the work of one "log out everywhere".</summary>
    public const int MaxSessionsPerSubjectLimit = 10_000;

    /// <summary>Gets the default policy: 5-minute access tokens, 14-day idle timeout, 30-day absolute lifetime, 10-second grace.</summary>
    public static SessionPolicy Default { get; } = new();

    /// <summary>Gets a long-lived ("remember me") policy: 5-minute access tokens, 30-day idle timeout, 90-day absolute lifetime.</summary>
    public static SessionPolicy RememberMe { get; } = new()
    {
        IdleTimeout = TimeSpan.FromDays(30),
        AbsoluteLifetime = TimeSpan.FromDays(90),
    };

    /// <summary>
    /// Gets a short-lived policy for a browser session: 5-minute access tokens, 30-minute idle timeout, 12-hour absolute lifetime,
    /// and a refresh token meant for a session cookie (<see cref="PersistentRefreshToken"/> is false).
    /// </summary>
    public static SessionPolicy ShortLived { get; } = new()
    {
        IdleTimeout = TimeSpan.FromMinutes(30),
        AbsoluteLifetime = TimeSpan.FromHours(12),
        PersistentRefreshToken = false,
    };

    /// <summary>Gets the lifetime of each access token.</summary>
    /// <value>5 minutes by default; shorter than <see cref="IdleTimeout"/> and at most 24 hours.</value>
    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets how long a session survives without a refresh.</summary>
    /// <value>14 days by default.</value>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Gets how long a session lives at most, counted from sign-in; refreshes never extend it.</summary>
    /// <value>30 days by default; at least <see cref="IdleTimeout"/>, at most <see cref="MaxAbsoluteLifetime"/>.</value>
    public TimeSpan AbsoluteLifetime { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Gets how long after a rotation the immediately previous refresh token is still answered (concurrent refreshes, lost
    /// responses) with the current generation re-issued; <see cref="TimeSpan.Zero"/> disables it.
    /// </summary>
    /// <value>10 seconds by default; shorter than <see cref="AccessTokenLifetime"/>.</value>
    public TimeSpan RefreshGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets the most sessions one subject may hold; a sign-in at the cap revokes the oldest (<see cref="SessionEndReason.SessionLimit"/>),
    /// atomically in the store, so concurrent sign-ins never exceed it.
    /// </summary>
    /// <value>
    /// <see cref="DefaultMaxSessionsPerSubject"/> (200) by default; between 1 and <see cref="MaxSessionsPerSubjectLimit"/>. There is
    /// no "no cap": the cap is what bounds one account's share of the store and the cost of "log out everywhere".
    /// </value>
    public int MaxSessionsPerSubject { get; init; } = DefaultMaxSessionsPerSubject;

    /// <summary>
    /// Gets a value indicating whether the refresh token is meant to persist (a cookie with <c>Expires</c> at the refresh token's
    /// expiry) rather than live in a browser-session cookie. Advisory for the application that stores the token.
    /// </summary>
    /// <value><see langword="true"/> by default.</value>
    public bool PersistentRefreshToken { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether every sign-in must bind the session to a DPoP key (RFC 9449): a sign-in without a valid
    /// proof is refused (<see cref="Dpop.InvalidDpopProofException"/>). Needs <see cref="SessionManagerOptions.DpopProofValidator"/>.
    /// </summary>
    /// <value><see langword="false"/> by default: a proof binds the session when one is sent, and sessions without one are bearer sessions.</value>
    public bool RequireDpop { get; init; }

    /// <summary>
    /// Gets the client ids (<see cref="SessionStartOptions.ClientId"/>) whose sign-ins must bind the session to a DPoP key, as
    /// <see cref="RequireDpop"/> does for all: for example the mobile apps, while browsers stay on cookies.
    /// </summary>
    /// <value>None by default.</value>
    public IReadOnlyCollection<string> DpopRequiredClientIds { get; init; } = [];

    /// <summary>Throws when the policy makes no sense.</summary>
    /// <exception cref="ArgumentException">A lifetime is zero, negative or unbounded, the lifetimes are out of order, or the per-subject cap is out of range; the message says which.</exception>
    public void Validate()
    {
        Require(AccessTokenLifetime >= TimeSpan.FromSeconds(1), "The access-token lifetime must be at least 1 second.");
        Require(AccessTokenLifetime <= TimeSpan.FromHours(24), "The access-token lifetime must be at most 24 hours: access tokens cannot be recalled.");
        Require(IdleTimeout > TimeSpan.Zero, "The idle timeout must be positive.");
        Require(AbsoluteLifetime > TimeSpan.Zero, "The absolute lifetime must be positive.");
        Require(AbsoluteLifetime <= MaxAbsoluteLifetime, $"The absolute lifetime must be at most {MaxAbsoluteLifetime.TotalDays} days: sessions are never unbounded.");
        Require(AbsoluteLifetime >= IdleTimeout, "The absolute lifetime must not be shorter than the idle timeout.");
        Require(AccessTokenLifetime < IdleTimeout, "The access-token lifetime must be shorter than the idle timeout.");
        Require(RefreshGracePeriod >= TimeSpan.Zero, "The refresh grace period must not be negative.");
        Require(RefreshGracePeriod < AccessTokenLifetime, "The refresh grace period must be shorter than the access-token lifetime.");
        Require(MaxSessionsPerSubject > 0, "The per-subject session cap must be positive.");
        Require(
            MaxSessionsPerSubject <= MaxSessionsPerSubjectLimit,
            $"The per-subject session cap must be at most {MaxSessionsPerSubjectLimit}: it bounds the work of \"log out everywhere\".");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
