using System.Text.Json;
using JwtSessions.Dpop;
using JwtSessions.Validation;

namespace JwtSessions.Sessions;

/// <summary>Sender-constrained sessions (RFC 9449, docs/dpop.md): binding at sign-in, the proof at every refresh.</summary>
public sealed partial class SessionManager
{
    /// <summary>
    /// The refresh token's claim naming the session's key thumbprint. Not <c>cnf</c>: a refresh token is read by this manager
    /// only, which checks the proof itself, and the refresh validator must not take it for a bound access token.
    /// </summary>
    private const string RefreshKeyClaim = "jkt";

    private readonly DpopProofValidator? _dpop;

    /// <summary>Gets the proof validator this manager binds sessions with, or <see langword="null"/> without DPoP.</summary>
    internal DpopProofValidator? DpopProofValidator => _dpop;

    /// <summary>
    /// The key a sign-in binds its session to: the thumbprint of a valid proof's key, or <see langword="null"/> for a bearer
    /// session (no proof, or no proof validator configured).
    /// </summary>
    /// <exception cref="InvalidDpopProofException">The proof is invalid, or missing where the policy requires one.</exception>
    /// <exception cref="ArgumentException">A proof came without the request's method or URI.</exception>
    private async ValueTask<string?> BindAtSignInAsync(SessionStartOptions? options, CancellationToken cancellationToken)
    {
        if (_dpop is null)
        {
            // SessionManagerOptions.Validate refuses a policy that requires DPoP without a validator.
            return null;
        }

        var context = options?.RequestContext;
        if (context?.DpopProof is null)
        {
            var required = _policy.RequireDpop || (options?.ClientId is { } clientId && _policy.DpopRequiredClientIds.Contains(clientId));
            return required ? throw new InvalidDpopProofException(DpopProofError.Missing, _dpop.CreateNonce()) : null;
        }

        if (context.HttpMethod is null || context.HttpUri is null)
        {
            throw new ArgumentException("A DPoP proof needs the request's HttpMethod and HttpUri in the request context.", nameof(options));
        }

        var proof = await _dpop.ValidateAsync(context.DpopProof, context.HttpMethod, context.HttpUri, accessToken: null, cancellationToken).ConfigureAwait(false);
        return proof.IsValid ? proof.Thumbprint : throw new InvalidDpopProofException(proof.Error, proof.Nonce);
    }

    /// <summary>The refresh token's claims for a bound session (its key's thumbprint); none for a bearer session.</summary>
    private static Dictionary<string, object>? RefreshClaims(SessionRecord session)
        => session.KeyThumbprint is { } thumbprint ? new Dictionary<string, object>(StringComparer.Ordinal) { [RefreshKeyClaim] = thumbprint } : null;

    /// <summary>
    /// The proof check of a refresh, before the store is asked to rotate: <see langword="null"/> when the session is not bound
    /// or the proof is of its key; otherwise the refusal. A bound refresh token without a proof, or with a valid proof of another
    /// key, left the client without the key: the session is revoked as a theft (docs/dpop.md, "Refresh without a proof").
    /// </summary>
    private async ValueTask<RefreshResult?> CheckRefreshProofAsync(TokenClaims claims, SessionRequestContext? context, CancellationToken cancellationToken)
    {
        // Only a token that names the claim is parsed for it: bearer sessions' refreshes pay one byte search.
        if (claims.Payload.Span.IndexOf("\"jkt\""u8) < 0
            || !claims.TryGetClaim(RefreshKeyClaim, out var claim) || claim.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var thumbprint = claim.GetString()!;
        if (context?.DpopProof is null)
        {
            return await OnKeyMismatchAsync(claims, "without a DPoP proof").ConfigureAwait(false);
        }

        if (_dpop is null)
        {
            // Fail closed: a server that cannot check proofs refuses bound sessions rather than treating them as bearer ones.
            return RefreshResult.Invalid(TokenValidationError.DpopProofRequired);
        }

        if (context.HttpMethod is null || context.HttpUri is null)
        {
            throw new ArgumentException("A DPoP proof needs the request's HttpMethod and HttpUri in the request context.", nameof(context));
        }

        var proof = await _dpop.ValidateAsync(context.DpopProof, context.HttpMethod, context.HttpUri, accessToken: null, thumbprint, cancellationToken).ConfigureAwait(false);
        return proof.Error switch
        {
            DpopProofError.None => null,
            DpopProofError.KeyMismatch => await OnKeyMismatchAsync(claims, "with a proof of another key").ConfigureAwait(false),
            DpopProofError.NonceRequired or DpopProofError.InvalidNonce => RefreshResult.Invalid(TokenValidationError.DpopNonceRequired),
            _ => RefreshResult.Invalid(TokenValidationError.InvalidDpopProof),
        };
    }

    private async ValueTask<RefreshResult> OnKeyMismatchAsync(TokenClaims claims, string how)
    {
        // Not cancellable by the caller, as for a replay: an aborted request must not leave a stolen lineage alive.
        var sessionId = claims.SessionId!;
        var revoked = await RevokeCoreAsync(sessionId, SessionEndReason.DpopKeyMismatch, CancellationToken.None).ConfigureAwait(false);
        if (revoked is null)
        {
            return RefreshResult.Failure(RefreshStatus.UnknownSession, sessionId, claims.Subject);
        }

        Log.DpopKeyMismatch(_logger, sessionId, revoked.Subject, how);
        return ReportTheft(new SessionRevocation(sessionId, revoked.Subject, revoked.RevokedAt ?? _time.GetUtcNow(), SessionEndReason.DpopKeyMismatch));
    }
}
