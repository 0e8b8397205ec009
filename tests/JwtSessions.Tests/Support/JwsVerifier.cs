using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Support;

/// <summary>
/// The JWS layer of <see cref="TokenValidator"/> alone: compact form, strict base64url, the strict JOSE header (exact
/// <c>alg</c> allowlist, no <c>crit</c>/<c>b64</c>/<c>jwk</c>/...), key selection by <c>kid</c>, algorithm-to-key binding and the
/// signature, with no <c>typ</c> rule and no claims.
/// </summary>
/// <remarks>
/// For conformance tests with generic JWS (Wycheproof, RFC 7515/7520/8037), which are not JWTs: they carry no <c>typ</c>,
/// <c>iss</c> or <c>exp</c>, and some have an empty or non-JSON payload. It runs exactly the stages the validator runs before it
/// reads claims (<see cref="CompactJws"/>, <see cref="JwsVerification"/>), with the validator's default allowlist: the
/// algorithms of the ring's keys. Test code only: a JWS that verifies here is not a valid JWT.
/// </remarks>
internal static class JwsVerifier
{
    /// <summary>The largest token looked at, the validator's largest configurable cap.</summary>
    public const int MaxTokenSize = 64 * 1024;

    /// <summary>Verifies a compact JWS given as its ASCII bytes.</summary>
    /// <param name="token">The token.</param>
    /// <param name="keys">The verification keys.</param>
    /// <param name="payload">The range of the (still encoded) payload segment in <paramref name="token"/> when valid.</param>
    /// <returns><see cref="TokenValidationError.None"/>, or the same error the validator reports for a failing JWS layer.</returns>
    public static TokenValidationError Verify(ReadOnlySpan<byte> token, KeyRing keys, out Range payload)
    {
        ArgumentNullException.ThrowIfNull(keys);
        payload = default;
        if (token.Length > MaxTokenSize)
        {
            return TokenValidationError.TooLarge;
        }

        if (!CompactJws.TrySplit(token, out var firstDot, out var secondDot))
        {
            return TokenValidationError.Malformed;
        }

        var allowed = JoseHeaderReader.AlgorithmMask(keys.Keys.Select(static k => k.Algorithm));
        SigningKey? key = null;
        var error = JwsVerification.Verify(token, firstDot, secondDot, keys, allowed, acceptedTypes: null, ref key);
        if (error == TokenValidationError.None)
        {
            payload = (firstDot + 1)..secondDot;
        }

        return error;
    }
}
