using System.Buffers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using JwtSessions.Dpop;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace JwtSessions.AspNetCore.Authentication;

/// <summary>
/// Authenticates a request by its <c>Authorization: Bearer</c> access token (or, in cookie mode with
/// <see cref="JwtSessionsCookieOptions.AccessTokenInCookie"/>, the access-token cookie), through the validator's
/// allocation-free path (<see cref="TokenValidator.TryValidateAuthorizationHeader(ReadOnlySpan{char}, Span{byte}, out TokenClaimsView, out TokenValidationError)"/>
/// into a stack buffer, revocation list included), and answers refusals as RFC 6750 §3 says.
/// </summary>
/// <remarks>
/// Hot path: no LINQ, no closure, no exception; the claims are built once, straight into the identity. A refused token costs
/// a cached failure (no exception is created per request) and nothing in the validator.
/// </remarks>
internal sealed class JwtSessionsBearerHandler : AuthenticationHandler<JwtSessionsBearerOptions>
{
    // The payload buffer is on the stack up to 8 KiB, which every token within the default size cap fits; a longer value
    // (possible only with a larger MaxTokenSize) rents it instead.
    private const int StackBufferLimit = 8 * 1024;

    // AuthenticateResult.NoResult() is one shared instance: so is the task that carries it.
    private static readonly Task<AuthenticateResult> s_noResult = Task.FromResult(AuthenticateResult.NoResult());

    private static readonly Exception s_cookieFailure = new TokenRefusedException(BearerErrors.CookieRefusedDescription + ".");

    private readonly TokenValidator _validator;
    private readonly JwtSessionsEndpointOptions _endpoints;
    private readonly IServiceProvider _services;
    private DpopProofValidator? _dpop;
    private bool _dpopResolved;
    private TokenValidationError? _error;

    // Set when the request's credential needs a DPoP challenge (RFC 9449 §7.1): a DPoP-scheme request that failed, or a
    // bound token sent as Bearer; with the nonce to send in DPoP-Nonce, if any.
    private bool _dpopChallenge;
    private bool _dpopScheme;
    private string? _dpopNonce;

    // Set when a cookie-borne request was refused (plain HTTP, cross-site, no anti-CSRF token): the ProblemDetails answer.
    private IResult? _cookieRefusal;

    public JwtSessionsBearerHandler(
        IOptionsMonitor<JwtSessionsBearerOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        IServiceProvider services,
        IOptions<JwtSessionsEndpointOptions> endpoints)
        : base(options, logger, encoder)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoints);
        _validator = services.GetService<TokenValidator>() ?? throw new InvalidOperationException(
            "The JwtSessions bearer handler validates with the TokenValidator of AddJwtSessions (issuing server) or AddJwtSessionsValidation (validating server): register one of them.");
        _endpoints = endpoints.Value;
        _services = services;
    }

    // Resolved on first use (a DPoP credential or a challenge), so an accepted Bearer request pays nothing for it.
    private DpopProofValidator? Dpop
    {
        get
        {
            if (!_dpopResolved)
            {
                _dpop = DpopRequest.ValidatorOf(_services);
                _dpopResolved = true;
            }

            return _dpop;
        }
    }

    private new JwtSessionsBearerEvents Events => (JwtSessionsBearerEvents)base.Events!;

    /// <inheritdoc />
    protected override Task<object> CreateEventsAsync() => Task.FromResult<object>(new JwtSessionsBearerEvents());

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        => Events.HandlesMessageReceived ? AuthenticateAfterMessageReceivedAsync() : AuthenticateRequest();

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        var context = new JwtSessionsChallengeContext(Context, Scheme, Options, properties, _error);
        var cookieRefusal = _cookieRefusal ?? CrossSiteWithoutCredential();
        if (cookieRefusal is not null)
        {
            context.Error = BearerErrors.InvalidRequest;
            context.ErrorDescription = BearerErrors.CookieRefusedDescription;
        }
        else if (_error is { } error)
        {
            _dpopChallenge |= error == TokenValidationError.DpopProofRequired && Dpop is not null;
            context.Error = _dpopChallenge ? DpopErrorCode(error, _dpopScheme) : BearerErrors.Code(error);
            context.ErrorDescription = BearerErrors.Description(error);
        }
        else if (result.Failure is not null)
        {
            // An event refused the request (OnMessageReceived or OnTokenValidated called Fail): the credential was presented
            // and refused, which RFC 6750 §3.1 calls invalid_token; the application's reason stays on the server.
            context.Error = BearerErrors.InvalidToken;
        }

        await Events.Challenge(context).ConfigureAwait(false);
        if (context.Handled)
        {
            return;
        }

        if (cookieRefusal is not null)
        {
            // The same answer the session endpoints give a cross-site or CSRF-less cookie request: 403 ProblemDetails
            // (docs/aspnetcore.md, "CSRF"), not a challenge the client could answer by signing in.
            await cookieRefusal.ExecuteAsync(Context).ConfigureAwait(false);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var description = Options.IncludeErrorDescription ? context.ErrorDescription : null;
        var dpop = Dpop;
        if (_dpopChallenge && dpop is not null)
        {
            Response.Headers.Append(HeaderNames.WWWAuthenticate, WwwAuthenticate.BuildDpop(Options.Realm, context.Error, description, dpop.SupportedAlgorithms));
            if (context.Error == DpopErrors.UseDpopNonce && (_dpopNonce ?? dpop.CreateNonce()) is { } nonce)
            {
                Response.Headers[DpopRequest.NonceHeader] = nonce;
            }

            return;
        }

        Response.Headers.Append(HeaderNames.WWWAuthenticate, WwwAuthenticate.Build(Options.Realm, context.Error, description, scope: null));
        if (dpop is not null && context.Error is null)
        {
            // No credential at all: either scheme will do (RFC 9449 §7.1).
            Response.Headers.Append(HeaderNames.WWWAuthenticate, WwwAuthenticate.BuildDpop(Options.Realm, error: null, description: null, dpop.SupportedAlgorithms));
        }
    }

    // RFC 9449 §7.1: a token error is invalid_token, a proof error invalid_dpop_proof, a missing or stale nonce use_dpop_nonce.
    // A bound token sent as Bearer is an invalid_token; a DPoP request without its proof is an invalid_dpop_proof.
    private static string DpopErrorCode(TokenValidationError error, bool dpopScheme) => error switch
    {
        TokenValidationError.DpopNonceRequired => DpopErrors.UseDpopNonce,
        TokenValidationError.DpopProofRequired when dpopScheme => DpopErrors.InvalidDpopProof,
        TokenValidationError.InvalidDpopProof or TokenValidationError.DpopKeyMismatch => DpopErrors.InvalidDpopProof,
        TokenValidationError.InvalidAuthorizationHeader => BearerErrors.InvalidRequest,
        _ => BearerErrors.InvalidToken,
    };

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var scopes = Context.Features.Get<InsufficientScopeFeature>()?.RequiredScopes ?? [];
        var context = new JwtSessionsForbiddenContext(Context, Scheme, Options, properties, scopes);
        await Events.Forbidden(context).ConfigureAwait(false);
        if (context.Handled)
        {
            return;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        if (scopes.Count > 0)
        {
            Response.Headers.Append(HeaderNames.WWWAuthenticate, WwwAuthenticate.Build(
                Options.Realm,
                BearerErrors.InsufficientScope,
                Options.IncludeErrorDescription ? BearerErrors.InsufficientScopeDescription : null,
                string.Join(' ', scopes)));
        }
    }

    private async Task<AuthenticateResult> AuthenticateAfterMessageReceivedAsync()
    {
        var context = new JwtSessionsMessageReceivedContext(Context, Scheme, Options);
        await Events.MessageReceived(context).ConfigureAwait(false);
        if (context.Result is not null)
        {
            return context.Result;
        }

        return context.Token is null
            ? await AuthenticateRequest().ConfigureAwait(false)
            : await Validate(context.Token, bare: true).ConfigureAwait(false);
    }

    private Task<AuthenticateResult> AuthenticateRequest()
    {
        var authorization = Request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            return AuthenticateCookie();
        }

        if (authorization.Count > 1)
        {
            // Two Authorization headers (or one folded list): never guess which one counts.
            return Refuse(TokenValidationError.InvalidAuthorizationHeader);
        }

        var value = authorization[0];
        if (!WwwAuthenticate.IsBearer(value))
        {
            if (WwwAuthenticate.IsDpop(value))
            {
                // Without a proof validator the server cannot judge a DPoP credential: refused as a malformed request.
                return Dpop is { } proofs ? ValidateDpopAsync(value!, proofs) : Refuse(TokenValidationError.InvalidAuthorizationHeader);
            }

            // Another scheme's credential (Basic, a cookie scheme's...): not ours to judge (RFC 9110 §11.6.2).
            return s_noResult;
        }

        return Validate(value!, bare: false);
    }

    private Task<AuthenticateResult> AuthenticateCookie()
    {
        var cookies = _endpoints.Cookies;
        if (!cookies.AccessTokenInCookie || (_endpoints.Transports & SessionTransports.Cookie) == 0)
        {
            return s_noResult;
        }

        var token = Request.Cookies[cookies.AccessTokenName];
        if (string.IsNullOrEmpty(token))
        {
            return s_noResult;
        }

        // A Secure cookie that came over plain HTTP has already been shown to the network: refused like the cookie
        // transport's sign-in and refresh (docs/aspnetcore.md, "HTTPS").
        if (!CookieTransportSecurity.IsSecure(Context))
        {
            _cookieRefusal = Problems.HttpsRequired();
            return Task.FromResult(AuthenticateResult.Fail(s_cookieFailure));
        }

        // The browser attaches the cookie by itself: a state-changing request authenticated by it must prove it comes from
        // the application's own page (docs/aspnetcore.md, "CSRF").
        if (CrossSiteGuard.IsStateChanging(Request.Method))
        {
            _cookieRefusal = !CrossSiteGuard.IsSameOriginOrAllowed(Request, _endpoints) ? Problems.CrossSiteRequest()
                : !CrossSiteGuard.HasCsrfToken(Request, cookies) ? Problems.CsrfTokenInvalid()
                : null;
            if (_cookieRefusal is not null)
            {
                return Task.FromResult(AuthenticateResult.Fail(s_cookieFailure));
            }
        }

        return Validate(token, bare: true);
    }

    /// <summary>
    /// With the cookie transport on, a state-changing request without an <c>Authorization</c> header could only have been
    /// authenticated by cookies; from another site it is refused as cross-site rather than challenged, so every cookie-mode
    /// endpoint (refresh, logout, logout everywhere, revoke) answers a cross-site request the same way.
    /// </summary>
    private IResult? CrossSiteWithoutCredential()
        => (_endpoints.Transports & SessionTransports.Cookie) != 0
            && CrossSiteGuard.IsStateChanging(Request.Method)
            && Request.Headers.Authorization.Count == 0
            && !CrossSiteGuard.IsSameOriginOrAllowed(Request, _endpoints)
                ? Problems.CrossSiteRequest()
                : null;

    private Task<AuthenticateResult> Validate(string value, bool bare)
    {
        ClaimsPrincipal principal;
        TokenClaims? claimsForEvent = null;

        // The payload is part of the value and decodes into fewer bytes than its characters: a buffer of the value's length
        // holds any payload the value can carry (the validator's own bound caps it), so only that much is cleared.
        var size = Math.Min(_validator.ClaimsBufferSize, value.Length);
        byte[]? rented = null;
        var buffer = size <= StackBufferLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size));
        try
        {
            scoped TokenClaimsView claims;
            TokenValidationError error;
            var valid = bare
                ? _validator.TryValidateToken(value.AsSpan(), buffer, out claims, out error)
                : _validator.TryValidateAuthorizationHeader(value.AsSpan(), buffer, out claims, out error);
            if (!valid)
            {
                return Refuse(error);
            }

            principal = PrincipalFactory.Create(claims, Scheme.Name, Options);
            if (Events.HandlesTokenValidated)
            {
                claimsForEvent = claims.ToClaims();
            }
        }
        finally
        {
            if (rented is not null)
            {
                // The decoded claims stay out of the shared pool, as the validator's own rented buffers do.
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }

        return claimsForEvent is null
            ? Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)))
            : TokenValidatedAsync(principal, claimsForEvent);
    }

    /// <summary>
    /// The <c>DPoP</c> scheme (RFC 9449 §7): the token with every rule, then the request's proof of its key, through
    /// <see cref="TokenValidator.ValidateDpopRequestAsync"/>. Off the Bearer path: bound tokens are read by the full reader.
    /// </summary>
    private async Task<AuthenticateResult> ValidateDpopAsync(string value, DpopProofValidator proofs)
    {
        var proof = Request.Headers[DpopRequest.ProofHeader];
        var result = await _validator.ValidateDpopRequestAsync(
            value, proof.Count == 0 ? null : proof.ToString(), Request.Method, new Uri(Request.GetEncodedUrl()), proofs, Context.RequestAborted).ConfigureAwait(false);
        if (!result.IsValid)
        {
            _dpopChallenge = true;
            _dpopScheme = true;
            _dpopNonce = result.Proof?.Nonce;
            return await Refuse(result.Error).ConfigureAwait(false);
        }

        var principal = PrincipalFactory.Create(result.Claims, Scheme.Name, Options);
        return Events.HandlesTokenValidated
            ? await TokenValidatedAsync(principal, result.Claims).ConfigureAwait(false)
            : AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    private async Task<AuthenticateResult> TokenValidatedAsync(ClaimsPrincipal principal, TokenClaims claims)
    {
        var context = new JwtSessionsTokenValidatedContext(Context, Scheme, Options, claims) { Principal = principal };
        await Events.TokenValidated(context).ConfigureAwait(false);
        if (context.Result is not null)
        {
            return context.Result;
        }

        context.Success();
        return context.Result!;
    }

    private Task<AuthenticateResult> Refuse(TokenValidationError error)
    {
        _error = error;
        AnomalyFeed.RecordInvalidAccessToken(Context, _endpoints, error);
        var result = AuthenticateResult.Fail(BearerErrors.Failure(error));
        return Events.HandlesAuthenticationFailed ? AuthenticationFailedAsync(error, result) : Task.FromResult(result);
    }

    private async Task<AuthenticateResult> AuthenticationFailedAsync(TokenValidationError error, AuthenticateResult result)
    {
        var context = new JwtSessionsAuthenticationFailedContext(Context, Scheme, Options, error);
        await Events.AuthenticationFailed(context).ConfigureAwait(false);
        return context.Result ?? result;
    }
}
