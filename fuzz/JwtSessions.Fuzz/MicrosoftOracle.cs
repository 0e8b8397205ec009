using JwtSessions.Signing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Fuzz;

/// <summary>
/// The differential oracle: Microsoft's <see cref="JsonWebTokenHandler"/> configured as strictly as the fixture's validator
/// (exact issuer, audience, key, HS256 only, <c>at+jwt</c>, the same skew and clock). Whatever JwtSessions accepts, it must
/// accept too; a token only JwtSessions accepts is a finding.
/// </summary>
internal static class MicrosoftOracle
{
    private static readonly JsonWebTokenHandler s_handler = new();

    private static readonly TokenValidationParameters s_parameters = new()
    {
        ValidIssuer = FuzzFixture.Issuer,
        ValidAudience = FuzzFixture.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(FuzzFixture.Secret) { KeyId = FuzzFixture.KeyId },
        ValidAlgorithms = [JwtAlgorithm.HS256.GetName()],
        TypeValidator = ValidateType,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireAudience = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        // JwtSessions verifies a header without kid with the ring's one key; so does the handler when told to try its keys.
        TryAllIssuerSigningKeys = true,
        ClockSkew = FuzzFixture.ClockSkew,
        LifetimeValidator = ValidateLifetime,
    };

    /// <summary>Throws <see cref="OracleFailureException"/> unless Microsoft's handler accepts <paramref name="token"/>.</summary>
    public static void MustAccept(string token)
    {
        var result = s_handler.ValidateTokenAsync(token, s_parameters).GetAwaiter().GetResult();
        if (!result.IsValid)
        {
            throw new OracleFailureException(
                $"JwtSessions accepted a token that JsonWebTokenHandler rejects ({result.Exception?.GetType().Name}: {result.Exception?.Message}): {token}",
                result.Exception!);
        }
    }

    // RFC 7515 §4.1.9: typ compares case-insensitively and "application/" may be left out. The handler's ValidTypes
    // compares ordinally, so "AT+JWT", which both RFC and JwtSessions accept, would read as a difference that is not one.
    private static string ValidateType(string type, SecurityToken token, TokenValidationParameters parameters)
    {
        var bare = type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) ? type["application/".Length..] : type;
        return string.Equals(bare, "at+jwt", StringComparison.OrdinalIgnoreCase)
            ? type
            : throw new SecurityTokenInvalidTypeException($"The typ is {type}.") { InvalidType = type };
    }

    // The handler's own lifetime check reads the wall clock (its TimeProvider is internal in 8.x): the same rules against the
    // fixture's clock (RFC 7519 §4.1.4, §4.1.5).
    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = FuzzFixture.Now.UtcDateTime;
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
    }
}
