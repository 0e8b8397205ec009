using System.Diagnostics;
using System.Diagnostics.Metrics;
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

    /// <summary>How many base64url characters a refresh token's payload can grow by from generation 0 to <see cref="long.MaxValue"/> (18 more bytes).</summary>
    private const int MaxGenerationGrowth = 25;

    private readonly ISessionStore _store;
    private readonly SessionPolicy _policy;
    private readonly SessionContextPolicy _contextPolicy;
    private readonly TimeProvider _time;
    private readonly TokenIssuer _accessIssuer;
    private readonly TokenIssuer _refreshIssuer;
    private readonly TokenValidator _accessValidator;
    private readonly TokenValidator _refreshValidator;
    private readonly RevocationFeed _feed;
    private readonly JwtSessionsMetrics _metrics;
    private readonly TimeSpan _accessSkew;
    private readonly ILogger _logger;
    private readonly InMemorySessionStore? _ownedStore;
    private readonly SigningKey? _ownedRefreshKey;

    /// <summary>Initializes a new instance of the <see cref="SessionManager"/> class.</summary>
    /// <param name="options">The configuration; copied and checked (<see cref="SessionManagerOptions.Validate"/>).</param>
    /// <param name="store">The session store, which the caller keeps owning; when null, a new <see cref="InMemorySessionStore"/> that this manager owns and disposes.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null. Dependency injection passes the container's.</param>
    /// <param name="logger">The logger for security events (reuse detected, revocations); tokens and keys are never logged. None when null.</param>
    /// <param name="meterFactory">Makes the <see cref="JwtSessionsTelemetry.MeterName"/> meter; the process-wide meter when null.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem <see cref="SessionManagerOptions.Validate"/> found.</exception>
    public SessionManager(
        SessionManagerOptions options,
        ISessionStore? store = null,
        TimeProvider? timeProvider = null,
        ILogger<SessionManager>? logger = null,
        IMeterFactory? meterFactory = null)
        : this(options, store, timeProvider, logger, meterFactory, registeredDpopProofValidator: null)
    {
    }

    /// <summary>As the public constructor, with the proof validator <c>AddJwtSessionsDpop</c> registered, which stands in for <see cref="SessionManagerOptions.DpopProofValidator"/>.</summary>
    internal SessionManager(
        SessionManagerOptions options,
        ISessionStore? store,
        TimeProvider? timeProvider,
        ILogger<SessionManager>? logger,
        IMeterFactory? meterFactory,
        Dpop.DpopProofValidator? registeredDpopProofValidator)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.ValidateInContainer(registeredDpopProofValidator is not null);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        // A key made here belongs to the manager and is disposed with it (keys are owned by whoever creates them).
        _ownedRefreshKey = options.RefreshTokenKeys is null ? SigningKey.Generate(JwtAlgorithm.HS256) : null;
        var refreshKeys = options.RefreshTokenKeys ?? KeyRing.Create(_ownedRefreshKey!);
        _policy = options.Policy;
        _contextPolicy = options.ContextPolicy;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = JwtSessionsMetrics.Create(meterFactory);
        // A store made here belongs to the manager and is disposed with it: its sweep timer's state roots the store, so
        // a store left behind would keep a live timer for every disposed manager.
        _ownedStore = store is null ? new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time }) : null;
        _store = store ?? _ownedStore!;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (options.RefreshTokenKeys is null && store is not null and not InMemorySessionStore)
        {
            // A store outside this process is there to be shared (docs/sessions.md): a per-process key breaks that quietly.
            Log.PerProcessRefreshKey(_logger, store.GetType().Name);
        }

        // Every access token of a revoked session has expired (with the validators' skew) once this has passed.
        _feed = new RevocationFeed(_store, _policy.AccessTokenLifetime + options.ClockSkew, _time, _logger, _metrics);
        _accessSkew = options.ClockSkew;

        _accessIssuer = new TokenIssuer(SessionTokenFactory.AccessIssuer(options, _policy, _time));
        _refreshIssuer = new TokenIssuer(SessionTokenFactory.RefreshIssuer(options, refreshKeys, _policy, _time));
        _accessValidator = new TokenValidator(SessionTokenFactory.AccessValidator(options, _time, _feed.Revocations), _metrics);
        _accessValidator.RejectionBurst += OnRejectionBurst;
        _refreshValidator = new TokenValidator(SessionTokenFactory.RefreshValidator(options, refreshKeys, _time), _metrics);
        _dpop = registeredDpopProofValidator ?? options.DpopProofValidator;
    }

    /// <summary>Raised when a replayed refresh token revoked a session (theft detection).</summary>
    public event EventHandler<SessionSecurityEventArgs>? ReuseDetected;

    /// <summary>Gets the validator of this manager's access tokens, wired to the revocation list its store feeds.</summary>
    public TokenValidator AccessTokenValidator => _accessValidator;

    /// <summary>Gets a read-only view of the in-memory list of revoked sessions the access-token validator consults.</summary>
    public IReadOnlyRevocationList Revocations => _feed.Revocations;

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
    /// <paramref name="subject"/> is empty, a scope name is empty or has a space, the subject, a scope or the client id has
    /// an unpaired surrogate, or together they make a token larger than its validator accepts
    /// (<see cref="TokenValidatorOptions.MaxTokenSize"/>); nothing was stored.
    /// </exception>
    /// <remarks>
    /// At <see cref="SessionPolicy.MaxSessionsPerSubject"/> the store revokes the subject's oldest sessions in the same atomic
    /// step as it stores the new one (<see cref="ISessionStore.CreateWithCapAsync"/>); their access tokens are rejected at once.
    /// </remarks>
    /// <exception cref="SessionStoreUnavailableException">The store failed; no session was started.</exception>
    public async ValueTask<SessionTokens> StartSessionAsync(
        string subject,
        SessionStartOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        using var activity = JwtSessionsActivities.Source.StartActivity("jwtsessions.session.start");
        var (session, tokens) = await PrepareSessionAsync(subject, options, cancellationToken).ConfigureAwait(false);
        await CreateAsync(session, cancellationToken).ConfigureAwait(false);
        return tokens;
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
        ArgumentException.ThrowIfNullOrEmpty(previousSessionId);
        var (session, tokens) = await PrepareSessionAsync(subject, options, cancellationToken).ConfigureAwait(false);
        var previous = await StoreCallAsync(static (store, a, ct) => store.GetAsync(a.Id, ct), (Id: previousSessionId, Unused: 0), "re-authentication", cancellationToken)
            .ConfigureAwait(false);
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

        await CreateAsync(session, cancellationToken).ConfigureAwait(false);
        return tokens;
    }

    /// <summary>
    /// Builds a new session and mints its first pair, refusing (before any store call) what the issuer would refuse and what the
    /// validators would: otherwise a session would be stored without tokens, or with tokens that never validate, or
    /// (re-authentication) the previous one revoked for nothing.
    /// </summary>
    private async ValueTask<(SessionRecord Session, SessionTokens Tokens)> PrepareSessionAsync(
        string subject,
        SessionStartOptions? options,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        PayloadScratch.ThrowIfNotUnicode(subject);
        if (options is not null)
        {
            TokenIssuer.CheckScopes(options.Scopes, nameof(options));
            foreach (var scope in options.Scopes)
            {
                PayloadScratch.ThrowIfNotUnicode(scope);
            }

            PayloadScratch.ThrowIfNotUnicode(options.ClientId);
        }

        var keyThumbprint = await BindAtSignInAsync(options, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
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
            Metadata = SignInMetadata(options?.Metadata ?? SessionMetadata.Empty, options?.RequestContext, now),
            KeyThumbprint = keyThumbprint,
        };

        // The validators' size limit, checked on the tokens themselves (symmetry by construction, not a copied formula): the
        // access token as minted, and a refresh token at the largest generation it can ever carry, since later rotations
        // write more digits. That one is minted only near the limit: the 18 more digits of long.MaxValue add at most 25
        // base64url characters.
        var tokens = await IssuePairAsync(session, now, cancellationToken).ConfigureAwait(false);
        CheckSize("access", tokens.AccessToken.Length, _accessValidator.MaxTokenSize, session);
        var refreshLength = tokens.RefreshToken.Length;
        if (refreshLength + MaxGenerationGrowth > _refreshValidator.MaxTokenSize)
        {
            refreshLength = (await _refreshIssuer.MintAsync(
                session.Subject, session.SessionId, _policy.AbsoluteLifetime, session.ExpiresAt, long.MaxValue, claims: RefreshClaims(session), now: now, cancellationToken: cancellationToken)
                .ConfigureAwait(false)).Token.Length;
        }

        CheckSize("refresh", refreshLength, _refreshValidator.MaxTokenSize, session);
        return (session, tokens);
    }

    private static void CheckSize(string kind, int length, int limit, SessionRecord session)
    {
        if (length > limit)
        {
            throw new ArgumentException(
                $"The session's {kind} token would be {length} characters, over the {limit} its validator accepts (subject "
                + $"{session.Subject.Length} characters, client id {session.ClientId?.Length ?? 0}, scopes {session.Scope?.Length ?? 0}); "
                + "nothing was stored.",
                session.ClientId is null && session.Scope is null ? "subject" : "options");
        }
    }

    /// <summary>Stores a prepared session within the per-subject cap, enforcing at once the revocations the cap made.</summary>
    private async ValueTask CreateAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        var evicted = await StoreCallAsync(
            static (store, a, ct) => store.CreateWithCapAsync(a.Session, a.Cap, ct), (Session: session, Cap: _policy.MaxSessionsPerSubject), "sign-in", cancellationToken)
            .ConfigureAwait(false);
        foreach (var revocation in evicted)
        {
            // Enforce at once in this process, whatever the feed's latency (as RevokeCoreAsync does).
            _feed.Enforce(revocation.SessionId, revocation.RevokedAt);
        }

        _metrics.SessionStarted();
    }

    /// <summary>Trades a refresh token for a new pair, without a request context; see <see cref="RefreshStatus"/> for every outcome.</summary>
    /// <param name="refreshToken">The refresh token, as the client sent it.</param>
    /// <param name="cancellationToken">
    /// Cancels the store calls, except the revocation that answers a detected replay: that one runs to its end.
    /// </param>
    /// <returns>The outcome; never throws for a bad token.</returns>
    /// <exception cref="SessionStoreUnavailableException">The store failed; nothing was issued (fail closed). Answer 503; the client retries.</exception>
    /// <remarks>
    /// An exception from signing the new pair (a broken or unusable signing key) is a server fault, not an outcome, and
    /// propagates; the rotation it follows stays valid, and the client's retry gets the pair re-issued within the grace window.
    /// A DPoP-bound session's refresh token needs its proof (the overload with a <see cref="SessionRequestContext"/>); here it
    /// counts as presented without one.
    /// </remarks>
    public ValueTask<RefreshResult> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
        => RefreshAsync(refreshToken, context: null, cancellationToken);

    /// <summary>
    /// Trades a refresh token for a new pair, comparing the request's context with the session's first
    /// (<see cref="SessionManagerOptions.ContextPolicy"/>) and, for a DPoP-bound session, checking its proof
    /// (<see cref="SessionRequestContext.DpopProof"/>), which must be of the session's key; see <see cref="RefreshStatus"/>
    /// for every outcome.
    /// </summary>
    /// <param name="refreshToken">The refresh token, as the client sent it.</param>
    /// <param name="context">
    /// What the server knows of the request (address, user agent, device id); <see langword="null"/> compares nothing and
    /// records no last-seen data, like <see cref="RefreshAsync(string?, CancellationToken)"/>.
    /// </param>
    /// <param name="cancellationToken">
    /// Cancels the store calls, except the revocations that answer a detected replay or a context the policy revokes.
    /// </param>
    /// <returns>The outcome; never throws for a bad token.</returns>
    /// <exception cref="SessionStoreUnavailableException">The store failed; nothing was issued (fail closed). Answer 503; the client retries.</exception>
    /// <remarks>
    /// With a context, the session is read before the rotation (one more store call) and the policy decides first: a
    /// <see cref="RefreshStatus.StepUpRequired"/> or <see cref="RefreshStatus.ContextRevoked"/> leaves no rotated session
    /// behind. The rotation then stores the last-seen time and address in the session's metadata.
    /// A bound session's refresh token presented without a proof, or with a valid proof of another key, left the client without
    /// its key: the session is revoked and reported as <see cref="RefreshStatus.ReuseDetected"/> with
    /// <see cref="SessionEndReason.DpopKeyMismatch"/> (docs/dpop.md explains why). Any other proof failure is
    /// <see cref="RefreshStatus.InvalidToken"/> with <see cref="TokenValidationError.InvalidDpopProof"/> or
    /// <see cref="TokenValidationError.DpopNonceRequired"/>, and changes nothing.
    /// </remarks>
    public async ValueTask<RefreshResult> RefreshAsync(string? refreshToken, SessionRequestContext? context = null, CancellationToken cancellationToken = default)
    {
        using var activity = JwtSessionsActivities.Source.StartActivity("jwtsessions.refresh");
        // Signature, type, audience, issuer and expiry first: forgeries and garbage never reach the store.
        var validation = _refreshValidator.ValidateToken(refreshToken);
        if (!validation.IsValid)
        {
            return Count(RefreshResult.Invalid(validation.Error));
        }

        var claims = validation.Claims;
        var sessionId = claims.SessionId!;
        var generation = claims.Generation!.Value;
        if (await CheckRefreshProofAsync(claims, context, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return Count(refused);
        }

        var now = _time.GetUtcNow();

        // The request's context is judged before the rotation is stored (SessionManager.Context.cs).
        SessionMetadata? seen = null;
        if (context is not null)
        {
            var (refusal, metadata) = await CheckContextAsync(sessionId, generation, context, now, cancellationToken).ConfigureAwait(false);
            if (refusal is not null)
            {
                return Count(refusal);
            }

            seen = metadata;
        }

        var outcome = await StoreCallAsync(
            static (store, a, ct) => a.Seen is null
                ? store.TryRotateAsync(a.SessionId, a.Generation, a.Now, a.Idle, ct)
                : store.TryRotateAndRecordAsync(a.SessionId, a.Generation, a.Now, a.Idle, a.Seen, ct),
            (SessionId: sessionId, Generation: generation, Now: now, Idle: _policy.IdleTimeout, Seen: seen),
            "refresh",
            cancellationToken).ConfigureAwait(false);

        // Only the store calls are guarded: an exception from signing the new pair is a server fault (a broken key), not a
        // store outage, and propagates. Nothing was issued; the client's retry is then the previous generation (grace).
        var session = outcome.Session;
        return Count(outcome.Status switch
        {
            RotationStatus.Rotated => await IssuedAsync(RefreshStatus.Rotated, session!, now).ConfigureAwait(false),
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
        var sessions = await ListSessionsAsync(subject, cancellationToken).ConfigureAwait(false);

        // At most MaxSessionsPerSubject sessions, revoked together: a shared store pipelines them in one round trip or so
        // rather than one round trip each.
        var revocations = new Task<SessionRecord?>[sessions.Count];
        for (var i = 0; i < sessions.Count; i++)
        {
            revocations[i] = RevokeCoreAsync(sessions[i].SessionId, SessionEndReason.LogoutEverywhere, cancellationToken).AsTask();
        }

        var revoked = await Task.WhenAll(revocations).ConfigureAwait(false);
        return revoked.Count(static r => r is not null);
    }

    /// <summary>Lists a subject's active sessions with their metadata, oldest first.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <returns>The active sessions.</returns>
    /// <exception cref="SessionStoreUnavailableException">The store failed.</exception>
    public ValueTask<IReadOnlyList<SessionRecord>> ListSessionsAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return StoreCallAsync(static (store, a, ct) => store.ListAsync(a.Subject, a.Now, ct), (Subject: subject, Now: _time.GetUtcNow()), "listing", cancellationToken);
    }

    /// <summary>Stops following the store's revocations, and disposes the store if this manager created it (a store passed in is left alone).</summary>
    public void Dispose()
    {
        _feed.Dispose();
        _ownedStore?.Dispose();
        _ownedRefreshKey?.Dispose();
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
            return await IssuedAsync(RefreshStatus.GraceReissued, current, now).ConfigureAwait(false);
        }

        // Anything else is a replay: some party holds a refresh token that was already used. Revoke the whole session.
        // Not cancellable by the caller: once a replay is seen, an aborted request must not leave the thief's lineage alive.
        // A store failure here throws (nothing issued, nothing reported): the replay is detected again on the next attempt.
        var revoked = await RevokeCoreAsync(current.SessionId, SessionEndReason.RefreshTokenReuse, CancellationToken.None).ConfigureAwait(false);

        Log.ReuseDetected(_logger, current.SessionId, current.Subject, presented, current.Generation);
        return ReportTheft(new SessionRevocation(current.SessionId, current.Subject, revoked?.RevokedAt ?? now, SessionEndReason.RefreshTokenReuse));
    }

    /// <summary>Counts and raises a detected theft, whose session is already revoked, and answers it as <see cref="RefreshStatus.ReuseDetected"/>.</summary>
    private RefreshResult ReportTheft(SessionRevocation revocation)
    {
        _metrics.ReuseDetected();
        try
        {
            ReuseDetected?.Invoke(this, new SessionSecurityEventArgs(revocation));
        }
#pragma warning disable CA1031 // A failing observer must not turn a detected theft into a reported store outage.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return RefreshResult.Failure(RefreshStatus.ReuseDetected, revocation.SessionId, revocation.Subject);
    }

    private async ValueTask<SessionRecord?> RevokeCoreAsync(string sessionId, SessionEndReason reason, CancellationToken cancellationToken)
    {
        using var activity = JwtSessionsActivities.Source.StartActivity("jwtsessions.session.revoke");
        activity?.SetTag("jwtsessions.revocation.reason", reason.ToString());
        var revoked = await StoreCallAsync(
            static (store, a, ct) => store.RevokeAsync(a.SessionId, a.Now, a.Reason, ct), (SessionId: sessionId, Now: _time.GetUtcNow(), Reason: reason), "revocation", cancellationToken)
            .ConfigureAwait(false);
        if (revoked?.RevokedAt is { } at)
        {
            // Enforce at once in this process, whatever the feed's latency.
            _feed.Enforce(sessionId, at);
        }

        return revoked;
    }

    private void OnRejectionBurst(object? sender, RejectionBurstEventArgs burst)
        => Log.RejectionBurst(_logger, burst.Count, burst.WindowStart);

    private async ValueTask<RefreshResult> IssuedAsync(RefreshStatus status, SessionRecord session, DateTimeOffset now)
    {
        // Access tokens end ClockSkew before the session's deadline (IssuePairAsync). A session with under a second left
        // before that cannot carry a token whose exp (whole seconds) stays inside it.
        if (AccessDeadline(session).ToUnixTimeSeconds() <= now.ToUnixTimeSeconds())
        {
            return RefreshResult.Failure(RefreshStatus.SessionExpired, session.SessionId, session.Subject);
        }

        // Not cancellable: the store has committed the rotation, and the client's pair must be signed now (a remote signer
        // included); a signer that fails leaves the retry to the grace window.
        return RefreshResult.Success(status, await IssuePairAsync(session, now, CancellationToken.None).ConfigureAwait(false));
    }

    /// <summary>
    /// Runs a store call and turns any failure of it into <see cref="SessionStoreUnavailableException"/> (the store's own
    /// exception inside), logged once: the one exception every method throws when the store fails, so a caller catches one
    /// type and answers 503. Only a cancellation the caller asked for passes through as it is.
    /// </summary>
    private async ValueTask<TResult> StoreCallAsync<TArgs, TResult>(
        Func<ISessionStore, TArgs, CancellationToken, ValueTask<TResult>> call,
        TArgs args,
        string operation,
        CancellationToken cancellationToken)
    {
        using var activity = JwtSessionsActivities.Source.StartActivity("jwtsessions.store " + operation, ActivityKind.Client);
        activity?.SetTag("jwtsessions.store.operation", operation);
        var started = _time.GetTimestamp();
        var failed = true;
        try
        {
            var result = await call(_store, args, cancellationToken).ConfigureAwait(false);
            failed = false;
            return result;
        }
        catch (SessionStoreUnavailableException ex)
        {
            Log.StoreFailed(_logger, operation, ex);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.StoreFailed(_logger, operation, ex);
            throw new SessionStoreUnavailableException($"The session store failed during {operation}: {ex.GetType().Name}.", ex);
        }
        finally
        {
            _metrics.StoreCall(operation, _time.GetElapsedTime(started), failed);
            activity?.SetStatus(failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
        }
    }

    /// <summary>
    /// Mints the pair at <paramref name="now"/>, the instant <see cref="IssuedAsync"/> checked the deadline against: a second read of
    /// the clock could cross into the deadline's second and leave no time for a token, an exception instead of
    /// <see cref="RefreshStatus.SessionExpired"/>.
    /// </summary>
    private async ValueTask<SessionTokens> IssuePairAsync(SessionRecord session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Neither token outlives the session's deadline (the earlier of idle and absolute). For an access token that matters
        // after a grace re-issue (the idle deadline is not extended, so grace plus the access lifetime could pass it) and near
        // the absolute deadline. The access token ends ClockSkew before it, because validators accept it until exp + skew:
        // so no access token validates at or after the deadline, when the store may sweep the session and logout, "log out
        // everywhere" and the cap could no longer reach it.
        // MintAsync completes at once for a key that signs in-process; a remote external signer (an HSM, a KMS) is awaited.
        var access = await _accessIssuer.MintAsync(
            session.Subject, session.SessionId, _policy.AccessTokenLifetime, AccessDeadline(session), generation: null, session.Scope, session.ClientId, now: now,
            keyThumbprint: session.KeyThumbprint, cancellationToken: cancellationToken).ConfigureAwait(false);
        var refresh = await _refreshIssuer.MintAsync(
            session.Subject, session.SessionId, _policy.AbsoluteLifetime, session.ExpiresAt, session.Generation, claims: RefreshClaims(session), now: now,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new SessionTokens(
            session.SessionId, session.Subject, access.Token, access.ExpiresAt, refresh.Token, refresh.ExpiresAt, session.Generation, session.KeyThumbprint);
    }

    private DateTimeOffset AccessDeadline(SessionRecord session) => session.ExpiresAt - _accessSkew;

    private RefreshResult Count(RefreshResult result)
    {
        _metrics.Refreshed(result.Status);
        Activity.Current?.SetTag("jwtsessions.refresh.status", result.Status.ToString());
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
