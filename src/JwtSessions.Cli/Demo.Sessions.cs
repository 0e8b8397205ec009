using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Cli;

/// <summary>The session steps of the demo, on the embedded in-memory store.</summary>
internal sealed partial class Demo
{
    private SessionManager? _sessions;
    private SessionTokens? _firstPair;
    private SessionTokens? _secondPair;

    /// <summary>Step: a session with a server-made id; the pair is an access token and a refresh token.</summary>
    public bool SignIn(TextWriter output)
    {
        _sessions = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = Issuer,
                Audience = Audience,
                AccessTokenKeys = KeyRing.Create(Required(_signingKey)),
            },
            new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _clock }), timeProvider: _clock);
        var policy = _sessions.Policy;
        _firstPair = Wait(_sessions.StartSessionAsync(Subject, new SessionStartOptions { Metadata = new SessionMetadata { DeviceName = "demo laptop" } }));
        output.WriteLine($"   session {_firstPair.SessionId} for {Subject} (128 random bits, made by the server)");
        output.WriteLine($"   policy: access tokens {policy.AccessTokenLifetime.TotalMinutes:0} min, idle timeout {policy.IdleTimeout.TotalDays:0} days, "
            + $"absolute lifetime {policy.AbsoluteLifetime.TotalDays:0} days, grace {policy.RefreshGracePeriod.TotalSeconds:0} s");
        output.WriteLine($"   access token expires {Format(_firstPair.AccessTokenExpiresAt)}; refresh token (generation {_firstPair.Generation}) expires {Format(_firstPair.RefreshTokenExpiresAt)}");
        return true;
    }

    /// <summary>Step: the access token validates with no store call; the refresh token is not an access token.</summary>
    public bool ValidateSessionAccessToken(TextWriter output)
    {
        var manager = Required(_sessions);
        var pair = Required(_firstPair);
        var result = manager.ValidateAuthorizationHeader("Bearer " + pair.AccessToken);
        output.WriteLine($"   access token: {(result.IsValid ? $"valid, sub {result.Subject}, sid {result.SessionId}" : "rejected: " + result.Error.ToCode())}");
        var confused = manager.ValidateAccessToken(pair.RefreshToken);
        output.WriteLine($"   the refresh token presented as an access token: rejected: {confused.Error.ToCode()}");
        // Refresh tokens have their own type, audience and key: here the access ring holds no key of the refresh token's
        // algorithm, so the algorithm check fires first; with a shared algorithm it is wrong_type.
        return result.IsValid && !confused.IsValid;
    }

    /// <summary>Step: the current refresh token is traded for a new pair, once.</summary>
    public bool RefreshRotates(TextWriter output)
    {
        _clock.Advance(TimeSpan.FromMinutes(4));
        var result = Wait(Required(_sessions).RefreshAsync(Required(_firstPair).RefreshToken));
        _secondPair = result.Tokens;
        output.WriteLine($"   4 minutes later: {result.Status}, new refresh token generation {_secondPair?.Generation}");
        return result.Status == RefreshStatus.Rotated;
    }

    /// <summary>Step: a second tab sends the same (now previous) refresh token a moment later: no revocation, no fork.</summary>
    public bool RefreshInsideGrace(TextWriter output)
    {
        _clock.Advance(TimeSpan.FromSeconds(3));
        var result = Wait(Required(_sessions).RefreshAsync(Required(_firstPair).RefreshToken));
        output.WriteLine($"   3 s later, the previous refresh token again: {result.Status}, generation {result.Tokens?.Generation} "
            + "(the current generation re-issued: both tabs stay on one branch)");
        return result.Status == RefreshStatus.GraceReissued && result.Tokens?.Generation == Required(_secondPair).Generation;
    }

    /// <summary>Step: the old refresh token comes back after the grace period: someone copied it. The whole session is revoked.</summary>
    public bool ReplayOldRefreshToken(TextWriter output)
    {
        _clock.Advance(TimeSpan.FromMinutes(1));
        var result = Wait(Required(_sessions).RefreshAsync(Required(_firstPair).RefreshToken));
        output.WriteLine($"   1 minute later, the generation-0 refresh token replayed: {result.Status} (session {result.SessionId}, sub {result.Subject})");
        var current = Wait(Required(_sessions).RefreshAsync(Required(_secondPair).RefreshToken));
        output.WriteLine($"   the legitimate current refresh token now: {current.Status}");
        return result.Status == RefreshStatus.ReuseDetected && current.Status == RefreshStatus.SessionRevoked;
    }

    /// <summary>Step: the revocation reaches the validator's in-memory list at once; no store call per request.</summary>
    public bool RevokedAccessTokenRejected(TextWriter output)
    {
        var result = Required(_sessions).ValidateAuthorizationHeader("Bearer " + Required(_secondPair).AccessToken);
        output.WriteLine(result.IsValid ? "   unexpectedly accepted" : $"   rejected: {result.Error.ToCode()}");
        return result.Error == TokenValidationError.Revoked;
    }

    /// <summary>Step: two more sessions (phone, laptop), then "log out everywhere" revokes both.</summary>
    public bool LogOutEverywhere(TextWriter output)
    {
        var manager = Required(_sessions);
        var phone = Wait(manager.StartSessionAsync(Subject, new SessionStartOptions { Metadata = new SessionMetadata { DeviceName = "phone" } }));
        var laptop = Wait(manager.StartSessionAsync(Subject, new SessionStartOptions { Metadata = new SessionMetadata { DeviceName = "laptop" } }));
        var listed = Wait(manager.ListSessionsAsync(Subject));
        output.WriteLine($"   active sessions of {Subject}: {string.Join(", ", listed.Select(s => s.Metadata.DeviceName))}");
        var revoked = Wait(manager.RevokeAllAsync(Subject));
        var phoneAccess = manager.ValidateAccessToken(phone.AccessToken);
        var laptopRefresh = Wait(manager.RefreshAsync(laptop.RefreshToken));
        output.WriteLine($"   revoked {revoked} sessions; phone access token: {phoneAccess.Error.ToCode()}, laptop refresh: {laptopRefresh.Status}");
        return revoked == 2 && phoneAccess.Error == TokenValidationError.Revoked && laptopRefresh.Status == RefreshStatus.SessionRevoked;
    }

    /// <inheritdoc />
    public void Dispose() => _sessions?.Dispose();

    // The in-memory store completes synchronously; the demo is a single-threaded console flow.
    private static T Wait<T>(ValueTask<T> task) => task.AsTask().GetAwaiter().GetResult();
}
