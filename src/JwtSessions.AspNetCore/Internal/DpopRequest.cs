using JwtSessions.Dpop;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The request's DPoP proof with the method and URI it must be bound to (RFC 9449 §4.3), for sign-in and refresh.</summary>
internal static class DpopRequest
{
    /// <summary>The request header a proof travels in.</summary>
    public const string ProofHeader = "DPoP";

    /// <summary>The response header a server nonce travels in (RFC 9449 §8).</summary>
    public const string NonceHeader = "DPoP-Nonce";

    /// <summary>
    /// The request's proof, method and URI (as the host sees it: behind a proxy, after the forwarded headers it trusts), or
    /// <see langword="null"/> without a <c>DPoP</c> header. Several <c>DPoP</c> headers are joined with a comma, which no proof
    /// holds: they are refused as malformed, never one of them picked (RFC 9449 §4.3 check 1).
    /// </summary>
    public static SessionRequestContext? ContextOf(HttpContext context)
    {
        var request = context.Request;
        var proof = request.Headers[ProofHeader];
        return proof.Count == 0
            ? null
            : new SessionRequestContext { DpopProof = proof.ToString(), HttpMethod = request.Method, HttpUri = new Uri(request.GetEncodedUrl()) };
    }

    /// <summary>
    /// The proof validator of the application: a registered <see cref="DpopProofValidator"/> (<c>AddJwtSessionsDpop</c>), else the
    /// session manager's <see cref="SessionManagerOptions.DpopProofValidator"/>; <see langword="null"/> without DPoP. The
    /// session manager of <c>AddJwtSessions</c> picks the same one, and start-up validation refuses both being set, so sign-in,
    /// refresh and resource requests share one replay cache and one nonce key.
    /// </summary>
    public static DpopProofValidator? ValidatorOf(IServiceProvider services)
        => services.GetService<DpopProofValidator>()
            ?? services.GetService<IOptions<SessionManagerOptions>>()?.Value.DpopProofValidator;

    /// <summary>A sign-in refused for its proof: 400 with the RFC 9449 error, and a fresh nonce when the server uses them.</summary>
    public static IResult Refused(HttpContext context, InvalidDpopProofException refusal)
        => Refused(context, refusal.RfcError, refusal.Error.ToCode(), refusal.Nonce);

    /// <summary>A refresh whose proof lacked the server's nonce, or had a stale one: 400 <c>use_dpop_nonce</c> with a fresh one.</summary>
    public static IResult NonceRequired(HttpContext context, string? nonce)
        => Refused(context, DpopErrors.UseDpopNonce, TokenValidationError.DpopNonceRequired.ToCode(), nonce);

    private static IResult Refused(HttpContext context, string? rfcError, string code, string? nonce)
    {
        if (nonce is not null)
        {
            context.Response.Headers[NonceHeader] = nonce;
        }

        return Problems.BadRequest($"The DPoP proof was refused ({rfcError}: {code}).");
    }
}
