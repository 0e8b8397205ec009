using System.Diagnostics.Metrics;
using JwtSessions.Anomalies;
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
    /// <summary>Every counter of the meter, one row each: its name, unit and description (docs/observability.md lists them).</summary>
    private static readonly (Id Id, string Name, string Unit, string Description)[] s_counters =
    [
        (Id.TokensValidated, "jwtsessions.tokens.validated", "{token}", "Tokens that passed validation."),
        (Id.TokensRejected, "jwtsessions.tokens.rejected", "{token}", "Tokens rejected by validation, by error code."),
        (Id.CacheLookups, "jwtsessions.cache.lookups", "{lookup}", "Lookups in the verified-token cache, by result (hit, miss)."),
        (Id.RejectionBursts, "jwtsessions.tokens.rejection_bursts", "{burst}", "Windows in which rejected tokens reached the burst threshold."),
        (Id.SessionsStarted, "jwtsessions.sessions.started", "{session}", "Sessions started."),
        (Id.Refreshes, "jwtsessions.refreshes", "{refresh}", "Refresh attempts, by outcome."),
        (Id.ReuseDetected, "jwtsessions.refresh_token.reuse_detected", "{session}", "Refresh-token replays that revoked a session."),
        (Id.SessionsRevoked, "jwtsessions.sessions.revoked", "{session}", "Sessions revoked, by reason."),
        (Id.JwksFetches, "jwtsessions.jwks.fetches", "{fetch}", "JWK set fetches, by outcome (changed, unchanged, not_modified, failed)."),
        (Id.JwksFailures, "jwtsessions.jwks.failures", "{fetch}", "Failed JWK set fetches, by reason."),
        (Id.JwksChanges, "jwtsessions.jwks.changes", "{change}", "Key-set changes taken from a JWK set (expiry of the last good set included)."),
        (Id.JwksUnknownKeyRefetches, "jwtsessions.jwks.unknown_key_refetches", "{fetch}", "JWK set fetches started by a token naming an unknown key."),
        (Id.RevocationPolls, "jwtsessions.revocations.polls", "{poll}", "Polls of an issuer's revocation endpoint, by outcome."),
        (Id.AnomaliesDetected, "jwtsessions.anomalies.detected", "{anomaly}", "Anomalies an AnomalyDetector raised, by kind."),
        (Id.StoreErrors, "jwtsessions.store.errors", "{call}", "Session store calls that failed, by operation."),
        (Id.ContextChanges, "jwtsessions.sessions.context_changes", "{change}", "Refreshes whose request context differed from the session's, by signal and decision."),
    ];

    private readonly Counter<long>[] _counters = new Counter<long>[s_counters.Length];
    private readonly Histogram<double> _storeDuration;
    private readonly Lock _sourcesLock = new();
    private readonly List<WeakReference<JwksKeySource>> _sources = [];

    private JwtSessionsMetrics(Meter meter)
    {
        foreach (var (id, name, unit, description) in s_counters)
        {
            _counters[(int)id] = meter.CreateCounter<long>(name, unit, description);
        }

        _storeDuration = meter.CreateHistogram<double>(
            "jwtsessions.store.duration", unit: "s", description: "Duration of session store calls, by operation and outcome.");
        meter.CreateObservableGauge(
            "jwtsessions.jwks.age", ObserveJwksAges, unit: "s", description: "Seconds since the last successful fetch of each JWK set.");
    }

    private enum Id
    {
        TokensValidated,
        TokensRejected,
        CacheLookups,
        RejectionBursts,
        SessionsStarted,
        Refreshes,
        ReuseDetected,
        SessionsRevoked,
        JwksFetches,
        JwksFailures,
        JwksChanges,
        JwksUnknownKeyRefetches,
        RevocationPolls,
        AnomaliesDetected,
        StoreErrors,
        ContextChanges,
    }

    /// <summary>Gets the instruments on the process-wide meter, for components built without dependency injection.</summary>
    public static JwtSessionsMetrics Shared { get; } = new(new Meter(JwtSessionsTelemetry.MeterName, Version));

    private static string? Version => typeof(JwtSessionsMetrics).Assembly.GetName().Version?.ToString();

    /// <summary>Gets the instruments on the meter of <paramref name="meterFactory"/>, or the shared ones when it is null.</summary>
    public static JwtSessionsMetrics Create(IMeterFactory? meterFactory)
        => meterFactory is null ? Shared : new(meterFactory.Create(new MeterOptions(JwtSessionsTelemetry.MeterName) { Version = Version }));

    public void TokenRejected(TokenValidationError error) => Add(Id.TokensRejected, "error", error.ToCode());

    public void TokenValidated() => Add(Id.TokensValidated);

    public void CacheLookup(bool hit) => Add(Id.CacheLookups, "result", hit ? "hit" : "miss");

    public void RejectionBurst() => Add(Id.RejectionBursts);

    public void SessionStarted() => Add(Id.SessionsStarted);

    public void Refreshed(RefreshStatus status) => Add(Id.Refreshes, "status", status.ToString());

    public void ReuseDetected() => Add(Id.ReuseDetected);

    public void JwksFetched(string outcome) => Add(Id.JwksFetches, "outcome", outcome);

    public void JwksFetchFailed(string reason) => Add(Id.JwksFailures, "reason", reason);

    public void JwksKeySetChanged() => Add(Id.JwksChanges);

    public void JwksUnknownKeyRefetch() => Add(Id.JwksUnknownKeyRefetches);

    public void RevocationPolled(string outcome) => Add(Id.RevocationPolls, "outcome", outcome);

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

    public void SessionRevoked(SessionEndReason reason) => Add(Id.SessionsRevoked, "reason", reason.ToString());

    public void AnomalyDetected(AnomalyKind kind) => Add(Id.AnomaliesDetected, "kind", kind.ToString());

    public void ContextChanged(string signal, string decision)
        => _counters[(int)Id.ContextChanges].Add(1, new("signal", signal), new("decision", decision));

    /// <summary>Records a store call's duration (seconds) and, when it failed, an error.</summary>
    public void StoreCall(string operation, TimeSpan duration, bool failed)
    {
        _storeDuration.Record(duration.TotalSeconds, new("operation", operation), new("outcome", failed ? "error" : "ok"));
        if (failed)
        {
            Add(Id.StoreErrors, "operation", operation);
        }
    }

    private void Add(Id id) => _counters[(int)id].Add(1);

    private void Add(Id id, string tag, string value) => _counters[(int)id].Add(1, new KeyValuePair<string, object?>(tag, value));
}
