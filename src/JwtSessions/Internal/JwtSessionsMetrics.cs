using System.Diagnostics.Metrics;
using JwtSessions.Remote;
using JwtSessions.Sessions;
using JwtSessions.Validation;

namespace JwtSessions.Internal;

/// <summary>
/// The instruments of the <see cref="JwtSessionsTelemetry.MeterName"/> meter. Under dependency injection the meter comes from
/// the host's <see cref="IMeterFactory"/> (so tests and hosts can scope and collect it); otherwise one process-wide meter.
/// Instruments are cheap when nobody listens; tags are low-cardinality codes, never token data.
/// </summary>
internal sealed class JwtSessionsMetrics
{
    private readonly Counter<long> _tokensRejected;
    private readonly Counter<long> _rejectionBursts;
    private readonly Counter<long> _sessionsStarted;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _reuseDetected;
    private readonly Counter<long> _sessionsRevoked;
    private readonly Counter<long> _jwksFetches;
    private readonly Counter<long> _jwksFailures;
    private readonly Counter<long> _jwksChanges;
    private readonly Counter<long> _jwksUnknownKeyRefetches;
    private readonly Counter<long> _revocationPolls;
    private readonly Lock _sourcesLock = new();
    private readonly List<WeakReference<JwksKeySource>> _sources = [];

    private JwtSessionsMetrics(Meter meter)
    {
        _tokensRejected = meter.CreateCounter<long>(
            "jwtsessions.tokens.rejected", unit: "{token}", description: "Tokens rejected by validation, by error code.");
        _rejectionBursts = meter.CreateCounter<long>(
            "jwtsessions.tokens.rejection_bursts", unit: "{burst}", description: "Windows in which rejected tokens reached the burst threshold.");
        _sessionsStarted = meter.CreateCounter<long>(
            "jwtsessions.sessions.started", unit: "{session}", description: "Sessions started.");
        _refreshes = meter.CreateCounter<long>(
            "jwtsessions.refreshes", unit: "{refresh}", description: "Refresh attempts, by outcome.");
        _reuseDetected = meter.CreateCounter<long>(
            "jwtsessions.refresh_token.reuse_detected", unit: "{session}", description: "Refresh-token replays that revoked a session.");
        _sessionsRevoked = meter.CreateCounter<long>(
            "jwtsessions.sessions.revoked", unit: "{session}", description: "Sessions revoked, by reason.");
        _jwksFetches = meter.CreateCounter<long>(
            "jwtsessions.jwks.fetches", unit: "{fetch}", description: "JWK set fetches, by outcome (changed, unchanged, not_modified, failed).");
        _jwksFailures = meter.CreateCounter<long>(
            "jwtsessions.jwks.failures", unit: "{fetch}", description: "Failed JWK set fetches, by reason.");
        _jwksChanges = meter.CreateCounter<long>(
            "jwtsessions.jwks.changes", unit: "{change}", description: "Key-set changes taken from a JWK set (expiry of the last good set included).");
        _jwksUnknownKeyRefetches = meter.CreateCounter<long>(
            "jwtsessions.jwks.unknown_key_refetches", unit: "{fetch}", description: "JWK set fetches started by a token naming an unknown key.");
        _revocationPolls = meter.CreateCounter<long>(
            "jwtsessions.revocations.polls", unit: "{poll}", description: "Polls of an issuer's revocation endpoint, by outcome.");
        meter.CreateObservableGauge(
            "jwtsessions.jwks.age", ObserveJwksAges, unit: "s", description: "Seconds since the last successful fetch of each JWK set.");
    }

    /// <summary>Gets the instruments on the process-wide meter, for components built without dependency injection.</summary>
    public static JwtSessionsMetrics Shared { get; } = new(new Meter(JwtSessionsTelemetry.MeterName, Version));

    private static string? Version => typeof(JwtSessionsMetrics).Assembly.GetName().Version?.ToString();

    /// <summary>Gets the instruments on the meter of <paramref name="meterFactory"/>, or the shared ones when it is null.</summary>
    public static JwtSessionsMetrics Create(IMeterFactory? meterFactory)
        => meterFactory is null ? Shared : new(meterFactory.Create(new MeterOptions(JwtSessionsTelemetry.MeterName) { Version = Version }));

    public void TokenRejected(TokenValidationError error) => _tokensRejected.Add(1, new KeyValuePair<string, object?>("error", error.ToCode()));

    public void RejectionBurst() => _rejectionBursts.Add(1);

    public void SessionStarted() => _sessionsStarted.Add(1);

    public void Refreshed(RefreshStatus status) => _refreshes.Add(1, new KeyValuePair<string, object?>("status", status.ToString()));

    public void ReuseDetected() => _reuseDetected.Add(1);

    public void JwksFetched(string outcome) => _jwksFetches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void JwksFetchFailed(string reason) => _jwksFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void JwksKeySetChanged() => _jwksChanges.Add(1);

    public void JwksUnknownKeyRefetch() => _jwksUnknownKeyRefetches.Add(1);

    public void RevocationPolled(string outcome) => _revocationPolls.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Reports the age of <paramref name="source"/>'s set on the gauge, for as long as the source lives.</summary>
    public void ObserveJwksAge(JwksKeySource source)
    {
        lock (_sourcesLock)
        {
            _sources.RemoveAll(static r => !r.TryGetTarget(out _));
            _sources.Add(new WeakReference<JwksKeySource>(source));
        }
    }

    private IEnumerable<Measurement<double>> ObserveJwksAges()
    {
        var measurements = new List<Measurement<double>>();
        lock (_sourcesLock)
        {
            foreach (var reference in _sources)
            {
                if (reference.TryGetTarget(out var source) && source.AgeSeconds() is { } age)
                {
                    measurements.Add(new Measurement<double>(age, new KeyValuePair<string, object?>("jwks.uri", source.JwksUri.GetLeftPart(UriPartial.Path))));
                }
            }
        }

        return measurements;
    }

    public void SessionRevoked(SessionEndReason reason) => _sessionsRevoked.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
}
