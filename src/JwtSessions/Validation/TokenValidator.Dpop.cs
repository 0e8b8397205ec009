using JwtSessions.Dpop;

namespace JwtSessions.Validation;

public sealed partial class TokenValidator
{
    /// <summary>
    /// Validates a request that may carry a DPoP-bound access token (RFC 9449 §7): <c>Authorization: DPoP &lt;token&gt;</c>
    /// with a <c>DPoP</c> proof of the key the token's <c>cnf.jkt</c> names, or a plain <c>Bearer</c> token, which is accepted
    /// only when it is not bound to a key.
    /// </summary>
    /// <param name="authorizationHeader">The <c>Authorization</c> header's value; <see langword="null"/> is rejected.</param>
    /// <param name="dpopProof">The <c>DPoP</c> header's value, or <see langword="null"/>.</param>
    /// <param name="httpMethod">The request's method, which the proof's <c>htm</c> must equal.</param>
    /// <param name="httpUri">The request's absolute URI, which the proof's <c>htu</c> must name.</param>
    /// <param name="proofValidator">Checks the proof (its allowlist, window, replay cache and nonces).</param>
    /// <param name="cancellationToken">Cancels the replay cache call.</param>
    /// <returns>The result; never throws for a bad token or proof.</returns>
    /// <remarks>
    /// The token is checked first, with every rule of <see cref="ValidateToken(string)"/>, then the proof: with the token's
    /// hash as <c>ath</c>, and its key compared with <c>cnf.jkt</c> before the proof takes room in the replay cache. The plain
    /// bearer path is <see cref="ValidateAuthorizationHeader(string)"/> unchanged: tokens without <c>cnf</c> pay nothing for DPoP.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="httpMethod"/> is empty or <paramref name="httpUri"/> is not absolute HTTP(S).</exception>
    public async ValueTask<DpopValidationResult> ValidateDpopRequestAsync(
        string? authorizationHeader,
        string? dpopProof,
        string httpMethod,
        Uri httpUri,
        DpopProofValidator proofValidator,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(proofValidator);
        ArgumentException.ThrowIfNullOrEmpty(httpMethod);
        ArgumentNullException.ThrowIfNull(httpUri);
        if (authorizationHeader is null || !AuthorizationHeader.HasDpopPrefix(authorizationHeader))
        {
            // Bearer (or no credential): the bearer path decides, and refuses a bound token as DpopProofRequired.
            var bearer = ValidateAuthorizationHeader(authorizationHeader);
            return new DpopValidationResult(bearer.Error, bearer.IsValid ? bearer.Claims : null, proof: null, isDpop: false);
        }

        var token = authorizationHeader[AuthorizationHeader.DpopPrefixLength..];
        TokenValidationError error;
        if (token.AsSpan().IndexOfAny(' ', '\t') >= 0)
        {
            error = TokenValidationError.InvalidAuthorizationHeader;
        }
        else
        {
            error = TokenChars(token, payload: default, keepClaims: true, out _, out _, out var claims, allowBound: true);
            if (error == TokenValidationError.None)
            {
                return await CheckProofAsync(claims!, token, dpopProof, httpMethod, httpUri, proofValidator, cancellationToken).ConfigureAwait(false);
            }
        }

        return new DpopValidationResult(Observe(error), claims: null, proof: null, isDpop: true);
    }

    private async ValueTask<DpopValidationResult> CheckProofAsync(
        TokenClaims claims, string token, string? dpopProof, string httpMethod, Uri httpUri, DpopProofValidator proofValidator, CancellationToken cancellationToken)
    {
        // A token sent with the DPoP scheme must be bound by thumbprint: an unbound one would let any key's proof pass.
        if (claims.KeyThumbprint is not { } thumbprint)
        {
            return new DpopValidationResult(Observe(TokenValidationError.DpopKeyMismatch), claims: null, proof: null, isDpop: true);
        }

        var proof = await proofValidator.ValidateAsync(dpopProof, httpMethod, httpUri, token, thumbprint, cancellationToken).ConfigureAwait(false);
        var error = proof.Error switch
        {
            DpopProofError.None => TokenValidationError.None,
            DpopProofError.Missing => TokenValidationError.DpopProofRequired,
            DpopProofError.KeyMismatch => TokenValidationError.DpopKeyMismatch,
            DpopProofError.NonceRequired or DpopProofError.InvalidNonce => TokenValidationError.DpopNonceRequired,
            _ => TokenValidationError.InvalidDpopProof,
        };
        return new DpopValidationResult(Observe(error), error == TokenValidationError.None ? claims : null, proof, isDpop: true);
    }
}
