using System.Security.Cryptography;
using JwtSessions.Internal;
using JwtSessions.Issuance;
using JwtSessions.Revocation;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JwtSessions.Sessions;

/// <summary>
/// The session lifecycle: sign-in with a server-made session id, stateless access-token validation with an O(1) in-memory
/// revocation check, rotating refresh tokens with theft detection, idle and absolute expiry, logout and "log out everywhere".
/// </summary>
/// <remarks>
/// <para>
/// Refresh tokens are JWS of their own type (<c>rt+jwt</c>), audience and keys, carrying the session id and a generation
/// counter; the store keeps one record per session. Presenting the current generation advances it atomically; presenting the
/// immediately previous one within <see cref="SessionPolicy.RefreshGracePeriod"/> re-issues the current generation (no fork);
/// anything older revokes the whole session and reports <see cref="RefreshStatus.ReuseDetected"/>.
/// </para>
/// <para>docs/sessions.md describes the model, the defaults and the threats each mechanism handles.</para>
/// </remarks>
/// <threadsafety>Thread-safe: share one instance per application. Dispose it to stop following the store's revocations.</threadsafety>
public sealed partial class SessionManager : IDisposable
{
    /// <summary>The media type of refresh tokens.</summary>
    public const string RefreshTokenType = "rt+jwt";

    private readonly ISessionStore _store;
    private readonly SessionPolicy _policy;
    private readonly TimeProvider _time;
    private readonly TokenIssuer _accessIssuer;
    private readonly TokenIssuer _refreshIssuer;
    private readonly TokenValidator _accessValidator;
    private readonly TokenValidator _refreshValidator;
    private readonly RevocationList _revocations;
    private readonly TimeSpan _revocationRetention;
    private readonly ILogger _logger;
    private readonly IDisposable _subscription;
    private readonly InMemorySessionStore? _ownedStore;

    /// <summary>Initializes a new instance of the <see cref="SessionManager"/> class.</summary>
    /// <param name="options">The configuration; copied and checked.</param>
    /// <param name="store">The session store, which the caller keeps owning; when null, a new <see cref="InMemorySessionStore"/> that this manager owns and disposes.</param>
    /// <exception cref="ArgumentException">A required value is missing, the policy makes no sense, or the access and refresh audiences are equal.</exception>
    public SessionManager(SessionManagerOptions options, ISessionStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Issuer) || string.IsNullOrEmpty(options.Audience))
        {
            throw new ArgumentException("An issuer and an access-token audience are required.", nameof(options));
        }

        var accessKeys = options.AccessTokenKeys ?? throw new ArgumentException("Access-token keys are required.", nameof(options));
        var refreshKeys = options.RefreshTokenKeys ?? KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256));
        var refreshAudience = options.RefreshAudience ?? options.Issuer + "#refresh";
        if (refreshAudience == options.Audience)
        {
            throw new ArgumentException("Refresh tokens need an audience of their own, distinct from access tokens'.", nameof(options));
        }

        _policy = options.Policy ?? throw new ArgumentException("A session policy is required.", nameof(options));
        _policy.Validate();
        _time = options.TimeProvider ?? TimeProvider.System;
        // A store made here belongs to the manager and is disposed with it: its sweep timer's state roots the store, so
        // a store left behind would keep a live timer for every disposed manager.
        _ownedStore = store is null ? new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time }) : null;
        _store = store ?? _ownedStore!;
        _logger = options.Logger ?? NullLogger.Instance;
        if (options.RefreshTokenKeys is null && store is not null and not InMemorySessionStore)
        {
            // A store outside this process is there to be shared (docs/sessions.md): a per-process key breaks that quietly.
            Log.PerProcessRefreshKey(_logger, store.GetType().Name);
        }

        _revocations = new RevocationList(_time);
        _revocationRetention = _policy.AccessTokenLifetime + options.ClockSkew;

        var accessIssuerOptions = new TokenIssuerOptions
        {
            Issuer = options.Issuer,
            Keys = accessKeys,
            DefaultLifetime = _policy.AccessTokenLifetime,
            MaxLifetime = _policy.AccessTokenLifetime,
            TimeProvider = _time,
        };
        accessIssuerOptions.Audiences.Add(options.Audience);
        _accessIssuer = new TokenIssuer(accessIssuerOptions);

        var refreshIssuerOptions = new TokenIssuerOptions
        {
            Issuer = options.Issuer,
            Keys = refreshKeys,
            DefaultLifetime = _policy.AbsoluteLifetime,
            MaxLifetime = _policy.AbsoluteLifetime,
            MaxAllowedLifetimeOverride = SessionPolicy.MaxAbsoluteLifetime,
            TimeProvider = _time,
            Type = RefreshTokenType,
        };
        refreshIssuerOptions.Audiences.Add(refreshAudience);
        _refreshIssuer = new TokenIssuer(refreshIssuerOptions);

        var accessValidatorOptions = new TokenValidatorOptions
        {
            Issuer = options.Issuer,
            Keys = accessKeys,
            ClockSkew = options.ClockSkew,
            TimeProvider = _time,
            Revocations = _revocations,
            RevocationFailureMode = options.RevocationFailureMode,
            RequireSessionId = true,
            Cache = options.AccessTokenCache,
        };
        accessValidatorOptions.Audiences.Add(options.Audience);
        _accessValidator = new TokenValidator(accessValidatorOptions);
        _accessValidator.RejectionBurst += OnRejectionBurst;

        var refreshValidatorOptions = new TokenValidatorOptions
        {
            Issuer = options.Issuer,
            Keys = refreshKeys,
            ClockSkew = TimeSpan.Zero,
            TimeProvider = _time,
            RequireGeneration = true,
        };
        refreshValidatorOptions.Audiences.Add(refreshAudience);
        refreshValidatorOptions.AcceptedTypes.Clear();
        refreshValidatorOptions.AcceptedTypes.Add(RefreshTokenType);
        _refreshValidator = new TokenValidator(refreshValidatorOptions);

        _subscription = _store.SubscribeToRevocations(OnRevoked, available => _revocations.IsAvailable = available);
    }

    /// <summary>Raised when a replayed refresh token revoked a session (theft detection).</summary>
    public event EventHandler<SessionSecurityEventArgs>? ReuseDetected;

    /// <summary>Gets the validator of this manager's access tokens, wired to the revocation list its store feeds.</summary>
    public TokenValidator AccessTokenValidator => _accessValidator;

    /// <summary>Gets the in-memory list of revoked sessions the access-token validator consults.</summary>
    public RevocationList Revocations => _revocations;

    /// <summary>Gets the session policy.</summary>
    public SessionPolicy Policy => _policy;

    /// <summary>Gets the session store.</summary>
    public ISessionStore Store => _store;

    /// <summary>
    /// Validates the access token of an <c>Authorization</c> header value (<c>Bearer &lt;token&gt;</c>); see
    /// <see cref="TokenValidator.ValidateAuthorizationHeader(ReadOnlySpan{char})"/>.
    /// </summary>
    /// <param name="header">The header value.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public JwtValidationResult ValidateAuthorizationHeader(ReadOnlySpan<char> header)
        => _accessValidator.ValidateAuthorizationHeader(header);

    /// <summary>Validates a bare access token; see <see cref="TokenValidator.ValidateToken(ReadOnlySpan{char})"/>.</summary>
    /// <param name="token">The compact JWS, without a scheme.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public JwtValidationResult ValidateAccessToken(ReadOnlySpan<char> token)
        => _accessValidator.ValidateToken(token);

    /// <summary>
    /// Starts a session for an authenticated subject: a new id from <see cref="RandomNumberGenerator"/> (a client can never
    /// choose it), stored with its deadlines, and a first token pair.
    /// </summary>
    /// <param name="subject">The authenticated subject (user id).</param>
    /// <param name="options">Metadata, scopes and client id; none by default.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <returns>The token pair.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="subject"/> is empty, a scope name is empty or has a space, or the subject, a scope or the client id has
    /// an unpaired surrogate; nothing was stored.
    /// </exception>
    /// <exception cref="SessionStoreUnavailableException">The store failed; no session was started.</exception>
    public async ValueTask<SessionTokens> StartSessionAsync(
        string subject,
        SessionStartOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        CheckNewSession(subject, options);

        var now = _time.GetUtcNow();
        if (_policy.MaxSessionsPerSubject is { } cap)
        {
            await EnforceCapAsync(subject, cap, now, cancellationToken).ConfigureAwait(false);
        }

        var absolute = now + _policy.AbsoluteLifetime;
        var idle = now + _policy.IdleTimeout;
        var session = new SessionRecord
        {
            SessionId = NewSessionId(),
            Subject = subject,
            CreatedAt = now,
            AbsoluteExpiresAt = absolute,
            IdleExpiresAt = idle < absolute ? idle : absolute,
            Generation = 0,
            RotatedAt = now,
            Scope = options is { Scopes.Count: > 0 } ? string.Join(' ', options.Scopes) : null,
            ClientId = options?.ClientId,
            Metadata = options?.Metadata ?? SessionMetadata.Empty,
        };
        await _store.CreateAsync(session, cancellationToken).ConfigureAwait(false);
        JwtSessionsTelemetry.SessionsStarted.Add(1);
        return IssuePair(session, now);
    }

    /// <summary>
    /// Re-authentication or a privilege change: revokes <paramref name="previousSessionId"/> and starts a new session for
    /// <paramref name="subject"/>, so an id known before the elevation is worthless after it (fixation defence).
    /// </summary>
    /// <param name="subject">The re-authenticated subject.</param>
    /// <param name="previousSessionId">The session being replaced.</param>
    /// <param name="options">Metadata, scopes and client id of the new session.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <returns>The new session's token pair.</returns>
    /// <exception cref="ArgumentException">
    /// A value <see cref="StartSessionAsync"/> refuses (see there), or <paramref name="previousSessionId"/> is empty; nothing
    /// was changed.
    /// </exception>
    /// <exception cref="InvalidOperationException">The previous session belongs to another subject; nothing was changed.</exception>
    /// <exception cref="SessionStoreUnavailableException">The store failed; the previous session may already be revoked.</exception>
    public async ValueTask<SessionTokens> ReauthenticateAsync(
        string subject,
        string previousSessionId,
        SessionStartOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        CheckNewSession(subject, options);
        ArgumentException.ThrowIfNullOrEmpty(previousSessionId);
        var previous = await _store.GetAsync(previousSessionId, cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous.Subject != subject)
        {
            throw new InvalidOperationException("The previous session belongs to another subject.");
        }

        // Revoke first (fix): the replaced session must not count against MaxSessionsPerSubject, or starting its successor
        // evicted another, innocent session of the subject. It also fails closed: if the store fails in between, the old
        // id is already dead rather than alive next to the new one.
        if (previous is not null)
        {
            await RevokeCoreAsync(previousSessionId, SessionEndReason.Reauthenticated, cancellationToken).ConfigureAwait(false);
        }

        return await StartSessionAsync(subject, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What the issuer would refuse in a new session's tokens, checked before any store call: otherwise a session would be
    /// stored without tokens, or (re-authentication) the previous one revoked for nothing.
    /// </summary>
    private static void CheckNewSession(string subject, SessionStartOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        PayloadScratch.ThrowIfNotUnicode(subject);
        if (options is null)
        {
            return;
        }

        TokenIssuer.CheckScopes(options.Scopes, nameof(options));
        foreach (var scope in options.Scopes)
        {
            PayloadScratch.ThrowIfNotUnicode(scope);
        }

        PayloadScratch.ThrowIfNotUnicode(options.ClientId);
    }

    /// <summary>Trades a refresh token for a new pair; see <see cref="RefreshStatus"/> for every outcome.</summary>
    /// <param name="refreshToken">The refresh token, as the client sent it.</param>
    /// <param name="cancellationToken">
    /// Cancels the store calls, except the revocation that answers a detected replay: that one runs to its end.
    /// </param>
    /// <returns>The outcome; never throws for a bad token or a store failure.</returns>
    /// <remarks>
    /// An exception from signing the new pair (a broken or unusable signing key) is a server fault, not an outcome, and
    /// propagates; the rotation it follows stays valid, and the client's retry gets the pair re-issued within the grace window.
    /// </remarks>
    public async ValueTask<RefreshResult> RefreshAsync(string? refreshToken, CancellationToken cancellationToken = default)
    {
        // Signature, type, audience, issuer and expiry first: forgeries and garbage never reach the store.
        var validation = _refreshValidator.ValidateToken(refreshToken);
        if (!validation.IsValid)
        {
            return Count(RefreshResult.Invalid(validation.Error));
        }

        var claims = validation.Claims;
        var sessionId = claims.SessionId!;
        var generation = claims.Generation!.Value;
        var now = _time.GetUtcNow();
        RotationOutcome outcome;
        try
        {
            outcome = await _store.TryRotateAsync(sessionId, generation, now, _policy.IdleTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            return Count(StoreFailed(ex, sessionId, claims.Subject));
        }

        // Only the store calls are guarded: an exception from signing the new pair is a server fault (a broken key), not a
        // store outage, and propagates. Nothing was issued; the client's retry is then the previous generation (grace).
        var session = outcome.Session;
        return Count(outcome.Status switch
        {
            RotationStatus.Rotated => Issued(RefreshStatus.Rotated, session!, now),
            RotationStatus.NotFound => RefreshResult.Failure(RefreshStatus.UnknownSession, sessionId, claims.Subject),
            RotationStatus.Revoked => RefreshResult.Failure(RefreshStatus.SessionRevoked, sessionId, session!.Subject),
            RotationStatus.Expired => RefreshResult.Failure(RefreshStatus.SessionExpired, sessionId, session!.Subject),
            _ => await OnGenerationMismatchAsync(session!, generation, now).ConfigureAwait(false),
        });
    }

    /// <summary>Logs out one session: its refresh token stops working and its access tokens are rejected from now on.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns><see langword="true"/> when the session existed.</returns>
    /// <exception cref="SessionStoreUnavailableException">The store failed.</exception>
    public async ValueTask<bool> RevokeAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return await RevokeCoreAsync(sessionId, SessionEndReason.Logout, cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>"Log out everywhere": revokes every active session of a subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the store calls.</param>
    /// <returns>The number of sessions revoked.</returns>
    /// <exception cref="SessionStoreUnavailableException">The store failed; some sessions may already be revoked.</exception>
    public async ValueTask<int> RevokeAllAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var sessions = await _store.ListAsync(subject, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var revoked = 0;
        foreach (var session in sessions)
        {
            if (await RevokeCoreAsync(session.SessionId, SessionEndReason.LogoutEverywhere, cancellationToken).ConfigureAwait(false) is not null)
            {
                revoked++;
            }
        }

        return revoked;
    }

    /// <summary>Lists a subject's active sessions with their metadata, oldest first.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns>The active sessions.</returns>
    /// <exception cref="SessionStoreUnavailableException">The store failed.</exception>
    public ValueTask<IReadOnlyList<SessionRecord>> ListSessionsAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return _store.ListAsync(subject, _time.GetUtcNow(), cancellationToken);
    }

    /// <summary>Stops following the store's revocations, and disposes the store if this manager created it (a store passed in is left alone).</summary>
    public void Dispose()
    {
        _subscription.Dispose();
        _ownedStore?.Dispose();
    }

    private async ValueTask<RefreshResult> OnGenerationMismatchAsync(
        SessionRecord current,
        long presented,
        DateTimeOffset now)
    {
        // The immediately previous generation, shortly after it was rotated: a concurrent refresh or a lost response.
        // Re-issue the current generation; never advance again, so every client ends on the same branch.
        var grace = _policy.RefreshGracePeriod;
        if (presented == current.Generation - 1 && grace > TimeSpan.Zero && now - current.RotatedAt <= grace)
        {
            return Issued(RefreshStatus.GraceReissued, current, now);
        }

        // Anything else is a replay: some party holds a refresh token that was already used. Revoke the whole session.
        // Not cancellable by the caller: once a replay is seen, an aborted request must not leave the thief's lineage alive.
        SessionRecord? revoked;
        try
        {
            revoked = await RevokeCoreAsync(current.SessionId, SessionEndReason.RefreshTokenReuse, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, CancellationToken.None))
        {
            return StoreFailed(ex, current.SessionId, current.Subject);
        }

        Log.ReuseDetected(_logger, current.SessionId, current.Subject, presented, current.Generation);
        JwtSessionsTelemetry.ReuseDetected.Add(1);
        try
        {
            ReuseDetected?.Invoke(this, new SessionSecurityEventArgs(
                new SessionRevocation(current.SessionId, current.Subject, revoked?.RevokedAt ?? now, SessionEndReason.RefreshTokenReuse)));
        }
#pragma warning disable CA1031 // A failing observer must not turn a detected theft into a reported store outage.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return RefreshResult.Failure(RefreshStatus.ReuseDetected, current.SessionId, current.Subject);
    }

    private async ValueTask<SessionRecord?> RevokeCoreAsync(string sessionId, SessionEndReason reason, CancellationToken cancellationToken)
    {
        var revoked = await _store.RevokeAsync(sessionId, _time.GetUtcNow(), reason, cancellationToken).ConfigureAwait(false);
        if (revoked?.RevokedAt is { } at)
        {
            // Enforce at once in this process, whatever the feed's latency.
            _revocations.Add(sessionId, at + _revocationRetention);
        }

        return revoked;
    }

    private async ValueTask EnforceCapAsync(string subject, int cap, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var active = await _store.ListAsync(subject, now, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i <= active.Count - cap; i++)
        {
            await RevokeCoreAsync(active[i].SessionId, SessionEndReason.SessionLimit, cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnRejectionBurst(object? sender, RejectionBurstEventArgs burst)
        => Log.RejectionBurst(_logger, burst.Count, burst.WindowStart);

    private void OnRevoked(SessionRevocation revocation)
    {
        _revocations.Add(revocation.SessionId, revocation.RevokedAt + _revocationRetention);
        JwtSessionsTelemetry.SessionsRevoked.Add(1, new KeyValuePair<string, object?>("reason", revocation.Reason.ToString()));
        Log.SessionRevoked(_logger, revocation.SessionId, revocation.Subject, revocation.Reason);
    }

    private RefreshResult Issued(RefreshStatus status, SessionRecord session, DateTimeOffset now)
    {
        // A session with under a second left cannot carry a token whose exp (whole seconds) stays inside its deadline.
        return session.ExpiresAt.ToUnixTimeSeconds() <= now.ToUnixTimeSeconds()
            ? RefreshResult.Failure(RefreshStatus.SessionExpired, session.SessionId, session.Subject)
            : RefreshResult.Success(status, IssuePair(session, now));
    }

    /// <summary>Fails closed: whatever the store did, nothing is issued.</summary>
    private RefreshResult StoreFailed(Exception exception, string sessionId, string subject)
    {
        Log.StoreFailed(_logger, "refresh", exception);
        return RefreshResult.Failure(RefreshStatus.StoreUnavailable, sessionId, subject);
    }

    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken)
        => exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    /// <summary>
    /// Mints the pair at <paramref name="now"/>, the instant <see cref="Issued"/> checked the deadline against: a second read of
    /// the clock could cross into the deadline's second and leave no time for a token, an exception instead of
    /// <see cref="RefreshStatus.SessionExpired"/>.
    /// </summary>
    private SessionTokens IssuePair(SessionRecord session, DateTimeOffset now)
    {
        // Neither token outlives the session's deadline (the earlier of idle and absolute). For an access token that matters
        // after a grace re-issue: the idle deadline is not extended, so grace plus the access lifetime could pass it, and a
        // token of a session that has ended is one "log out everywhere" no longer finds.
        var access = _accessIssuer.Mint(
            session.Subject, session.SessionId, _policy.AccessTokenLifetime, session.ExpiresAt, generation: null, session.Scope, session.ClientId, now: now);
        var refresh = _refreshIssuer.Mint(
            session.Subject, session.SessionId, _policy.AbsoluteLifetime, session.ExpiresAt, session.Generation, now: now);
        return new SessionTokens(
            session.SessionId, session.Subject, access.Token, access.ExpiresAt, refresh.Token, refresh.ExpiresAt, session.Generation);
    }

    private static RefreshResult Count(RefreshResult result)
    {
        JwtSessionsTelemetry.Refreshes.Add(1, new KeyValuePair<string, object?>("status", result.Status.ToString()));
        return result;
    }

    private static string NewSessionId()
    {
        // 128 bits from the CSPRNG (OWASP session management: at least 64 bits of entropy).
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64UrlStrict.Encode(bytes);
    }
}
