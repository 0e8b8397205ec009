using System.Globalization;
using JwtSessions.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>The ProblemDetails answers (RFC 9457) of the endpoints, one per <see cref="JwtSessionsProblemTypes"/> value.</summary>
internal static class Problems
{
    public static IResult InvalidRefreshToken(string? detail = null)
        => Problem(StatusCodes.Status401Unauthorized, JwtSessionsProblemTypes.InvalidRefreshToken, "The refresh token is not valid", detail ?? "Sign in again.");

    public static IResult SessionEnded()
        => Problem(StatusCodes.Status401Unauthorized, JwtSessionsProblemTypes.SessionEnded, "The session has ended", "Sign in again.");

    public static IResult RefreshTokenReused()
        => Problem(StatusCodes.Status401Unauthorized, JwtSessionsProblemTypes.RefreshTokenReused, "The refresh token was already used",
            "The session was ended because its refresh token was used twice. Sign in again.");

    public static IResult CsrfTokenInvalid()
        => Problem(StatusCodes.Status403Forbidden, JwtSessionsProblemTypes.CsrfTokenInvalid, "The anti-CSRF check failed",
            "Send the anti-CSRF token in the request header.");

    public static IResult CrossSiteRequest()
        => Problem(StatusCodes.Status403Forbidden, JwtSessionsProblemTypes.CrossSiteRequest, "Cross-site request refused", null);

    public static IResult HttpsRequired()
        => Problem(StatusCodes.Status403Forbidden, JwtSessionsProblemTypes.HttpsRequired, "HTTPS is required",
            "The cookie transport answers only over HTTPS: its cookies are Secure.");

    public static IResult BadRequest(string detail)
        => Problem(StatusCodes.Status400BadRequest, JwtSessionsProblemTypes.BadRequest, "The request is not valid", detail);

    public static IResult SessionNotFound()
        => Problem(StatusCodes.Status404NotFound, JwtSessionsProblemTypes.SessionNotFound, "No such session", null);

    public static IResult RateLimited(HttpContext context, TimeSpan retryAfter)
    {
        SetRetryAfter(context, retryAfter);
        return Problem(StatusCodes.Status429TooManyRequests, JwtSessionsProblemTypes.RateLimited, "Too many requests", null);
    }

    public static IResult ClientBlocked(HttpContext context, TimeSpan retryAfter)
    {
        SetRetryAfter(context, retryAfter);
        return Problem(StatusCodes.Status429TooManyRequests, JwtSessionsProblemTypes.ClientBlocked, "This client is blocked",
            "Too many rejected requests came from this client; retry after the time in Retry-After.");
    }

    public static IResult StepUpRequired()
        => Problem(StatusCodes.Status401Unauthorized, JwtSessionsProblemTypes.StepUpRequired, "Sign in again to continue",
            "This refresh came from another device or browser than the session's; nothing was changed. Sign in again.");

    public static IResult StoreUnavailable(HttpContext context, TimeSpan retryAfter, string detail = "Nothing was changed; retry later.")
    {
        SetRetryAfter(context, retryAfter);
        return Problem(StatusCodes.Status503ServiceUnavailable, JwtSessionsProblemTypes.StoreUnavailable, "The session store is unavailable", detail);
    }

    private static void SetRetryAfter(HttpContext context, TimeSpan retryAfter)
        => context.Response.Headers[HeaderNames.RetryAfter] = ((long)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    private static ProblemHttpResult Problem(int status, string type, string title, string? detail)
        => TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type);
}
