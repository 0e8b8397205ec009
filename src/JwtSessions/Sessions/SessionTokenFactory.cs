using JwtSessions.Issuance;
using JwtSessions.Revocation;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Sessions;

/// <summary>
/// The token machinery of a <see cref="SessionManager"/>: how its access and refresh tokens are minted and read, described
/// once from <see cref="SessionManagerOptions"/>, for the manager and for <see cref="SessionManagerOptions.Validate"/> alike.
/// </summary>
/// <remarks>
/// Refresh tokens are JWS of their own type (<see cref="SessionManager.RefreshTokenType"/>), audience and keys, carrying the
/// session id and a generation counter, valid until the session's deadline, and read with no clock skew (only this fleet
/// reads them). Access tokens are the RFC 9068 profile with <c>sid</c>, validated with the options' skew and the revocation list.
/// </remarks>
internal static class SessionTokenFactory
{
    /// <summary>The refresh tokens' audience: the options' own, else the issuer followed by <c>#refresh</c>.</summary>
    public static string RefreshAudience(SessionManagerOptions options) => options.RefreshAudience ?? options.Issuer + "#refresh";

    /// <summary>
    /// The session issuers' own cap is the validators' upper bound: the manager checks each new session's tokens against its
    /// validators' actual limit itself, with a message naming the session's parts (and the refresh token at its largest
    /// generation), which the issuer cannot know.
    /// </summary>
    private const int SessionManagerIssuerMaxTokenSize = 64 * 1024;

    public static TokenIssuerOptions AccessIssuer(SessionManagerOptions options, SessionPolicy policy, TimeProvider time)
    {
        var issuer = new TokenIssuerOptions
        {
            Issuer = options.Issuer,
            Keys = options.AccessTokenKeys,
            DefaultLifetime = policy.AccessTokenLifetime,
            MaxLifetime = policy.AccessTokenLifetime,
            TimeProvider = time,
            MaxTokenSize = SessionManagerIssuerMaxTokenSize,
        };
        issuer.Audiences.Add(options.Audience!);
        return issuer;
    }

    public static TokenValidatorOptions AccessValidator(SessionManagerOptions options, TimeProvider time, RevocationList? revocations)
    {
        var validator = new TokenValidatorOptions
        {
            Issuer = options.Issuer,
            Keys = options.AccessTokenKeys,
            ClockSkew = options.ClockSkew,
            TimeProvider = time,
            Revocations = revocations,
            RevocationFailureMode = options.RevocationFailureMode,
            RequireSessionId = true,
            Cache = options.AccessTokenCache,
        };
        validator.Audiences.Add(options.Audience!);
        return validator;
    }

    public static TokenIssuerOptions RefreshIssuer(SessionManagerOptions options, KeyRing keys, SessionPolicy policy, TimeProvider time)
    {
        var issuer = new TokenIssuerOptions
        {
            Issuer = options.Issuer,
            Keys = keys,
            DefaultLifetime = policy.AbsoluteLifetime,
            MaxLifetime = policy.AbsoluteLifetime,
            MaxAllowedLifetimeOverride = SessionPolicy.MaxAbsoluteLifetime,
            TimeProvider = time,
            MaxTokenSize = SessionManagerIssuerMaxTokenSize,
            Type = SessionManager.RefreshTokenType,
        };
        issuer.Audiences.Add(RefreshAudience(options));
        return issuer;
    }

    public static TokenValidatorOptions RefreshValidator(SessionManagerOptions options, KeyRing keys, TimeProvider time)
    {
        var validator = new TokenValidatorOptions
        {
            Issuer = options.Issuer,
            Keys = keys,
            ClockSkew = TimeSpan.Zero,
            TimeProvider = time,
            RequireGeneration = true,
        };
        validator.Audiences.Add(RefreshAudience(options));
        validator.AcceptedTypes.Clear();
        validator.AcceptedTypes.Add(SessionManager.RefreshTokenType);
        return validator;
    }

    /// <summary>What the issuers and validators built from <paramref name="options"/> would refuse; nothing when all are valid.</summary>
    public static IEnumerable<string> Problems(SessionManagerOptions options, SessionPolicy policy)
    {
        var time = TimeProvider.System;
        var problems = AccessIssuer(options, policy, time).Validate().Concat(AccessValidator(options, time, revocations: null).Validate());
        if (options.RefreshTokenKeys is { } refreshKeys)
        {
            problems = problems
                .Concat(RefreshIssuer(options, refreshKeys, policy, time).Validate())
                .Concat(RefreshValidator(options, refreshKeys, time).Validate());
        }

        return problems.Distinct(StringComparer.Ordinal);
    }
}
