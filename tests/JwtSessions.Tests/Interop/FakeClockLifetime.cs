using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Interop;

/// <summary>
/// A <see cref="LifetimeValidator"/> that reads a fake clock. Microsoft.IdentityModel 8.23 declares
/// <c>TokenValidationParameters.TimeProvider</c> but keeps it internal, so its default lifetime check can only read the wall
/// clock; this delegate replaces it with the same rules (RFC 7519 §4.1.4, §4.1.5) and the same exception types.
/// </summary>
internal static class FakeClockLifetime
{
    public static LifetimeValidator For(TimeProvider time) => (notBefore, expires, _, parameters) =>
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is not { } exp)
        {
            throw new SecurityTokenNoExpirationException("The token has no exp.");
        }

        if (notBefore is { } nbf && nbf > now + parameters.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not yet valid.") { NotBefore = nbf };
        }

        if (now >= exp + parameters.ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        }

        return true;
    };
}
