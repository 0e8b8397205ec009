using JwtSessions.Validation;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// The RFC 6750 §3 answer for each <see cref="TokenValidationError"/>: the <c>error</c> code and one stable
/// <c>error_description</c> per error, so a client tells an expired token (refresh) from any other refusal (sign in again).
/// docs/aspnetcore.md lists them.
/// </summary>
internal static class BearerErrors
{
    public const string InvalidToken = "invalid_token";
    public const string InvalidRequest = "invalid_request";
    public const string InsufficientScope = "insufficient_scope";
    public const string CookieRefusedDescription = "The request's access cookie was refused (HTTPS, cross-site or anti-CSRF check)";
    public const string InsufficientScopeDescription = "The access token lacks a required scope";

    /// <summary>RFC 6750 §3.1: a request that is not a well-formed Bearer credential is <c>invalid_request</c>; anything else about the token is <c>invalid_token</c>.</summary>
    public static string Code(TokenValidationError error)
        => error == TokenValidationError.InvalidAuthorizationHeader ? InvalidRequest : InvalidToken;

    public static string Description(TokenValidationError error) => error switch
    {
        TokenValidationError.Expired => "The access token expired",
        TokenValidationError.Revoked => "The access token's session was revoked",
        TokenValidationError.RevocationUnavailable => "The access token's revocation status is unavailable",
        TokenValidationError.InvalidAuthorizationHeader => "The Authorization header is not a Bearer credential",
        TokenValidationError.TooLarge => "The access token is too large",
        TokenValidationError.Malformed => "The access token is malformed",
        TokenValidationError.UnsupportedAlgorithm => "The access token's algorithm is not accepted",
        TokenValidationError.UnsupportedHeader => "The access token's header is not accepted",
        TokenValidationError.WrongType => "The token is not an access token",
        TokenValidationError.UnknownKey => "The access token's signing key is unknown",
        TokenValidationError.AlgorithmMismatch => "The access token's algorithm does not match its key",
        TokenValidationError.BadSignature => "The access token's signature is invalid",
        TokenValidationError.MissingClaim => "The access token lacks a required claim",
        TokenValidationError.InvalidClaim => "The access token has an invalid claim",
        TokenValidationError.NotYetValid => "The access token is not valid yet",
        TokenValidationError.IssuedInFuture => "The access token was issued in the future",
        TokenValidationError.TooOld => "The access token is too old",
        TokenValidationError.WrongIssuer => "The access token's issuer is not accepted",
        TokenValidationError.WrongAudience => "The access token's audience is not accepted",
        TokenValidationError.DpopProofRequired => "The access token is bound to a DPoP key and needs a proof of it",
        TokenValidationError.InvalidDpopProof => "The DPoP proof is not valid",
        TokenValidationError.DpopKeyMismatch => "The DPoP proof is not of the access token's key",
        TokenValidationError.DpopNonceRequired => "The DPoP proof needs the server's nonce",
        _ => "The access token is invalid",
    };

    // One exception per error, built once: a refused token costs the handler no exception allocation (attack class: token
    // floods). AuthenticateResult.Fail never throws it, so sharing is safe.
    private static readonly Exception[] s_failures = CreateFailures();

    public static Exception Failure(TokenValidationError error)
    {
        var index = (int)error;
        return (uint)index < (uint)s_failures.Length ? s_failures[index] : s_failures[0];
    }

    private static Exception[] CreateFailures()
    {
        var values = Enum.GetValues<TokenValidationError>();
        var max = 0;
        foreach (var value in values)
        {
            max = Math.Max(max, (int)value);
        }

        var failures = new Exception[max + 1];
        for (var i = 0; i < failures.Length; i++)
        {
            var error = (TokenValidationError)i;
            failures[i] = new TokenRefusedException(error);
        }

        return failures;
    }
}
