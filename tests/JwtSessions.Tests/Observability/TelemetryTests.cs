using System.Buffers.Text;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using JwtSessions.Anomalies;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Logging;

namespace JwtSessions.Tests.Observability;

/// <summary>
/// What a whole session lifecycle (sign-in, refresh, replay, revocation, rejected tokens, a store failure, detected
/// anomalies) writes to logs, spans and metrics: every event has its id, and none carries a token, a refresh secret or
/// key material.
/// </summary>
[NonParallelizable]
public sealed class TelemetryTests
{
    private const string TokenShape = @"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+";

    [Test]
    public async Task Lifecycle_EverythingLoggedAndTraced_HoldsNoTokenSecretOrKey()
    {
        var accessSecret = RandomNumberGenerator.GetBytes(32);
        var refreshSecret = RandomNumberGenerator.GetBytes(32);
        using var accessKey = SigningKey.CreateHmac(accessSecret, JwtAlgorithm.HS256, "access-1");
        using var refreshKey = SigningKey.CreateHmac(refreshSecret, JwtAlgorithm.HS256, "refresh-1");
        var time = TestClock.Create();
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).AddProvider(SuiteLogs.Factory).SetMinimumLevel(LogLevel.Trace));
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == JwtSessionsTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var store = new TestSessionStore(time);
        using var manager = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = RawToken.Issuer,
                Audience = RawToken.Audience,
                AccessTokenKeys = KeyRing.Create(accessKey),
                RefreshTokenKeys = KeyRing.Create(refreshKey),
            },
            store, time, factory.CreateLogger<SessionManager>());
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { BruteForceThreshold = 2 }, time, factory.CreateLogger<AnomalyDetector>());
        var context = new SessionRequestContext { IpAddress = "192.0.2.7", UserAgent = "Firefox/140.0 (Windows)", DeviceId = "device-1" };
        var secrets = new List<string>
        {
            Base64Url.EncodeToString(accessSecret), Convert.ToBase64String(accessSecret), Convert.ToHexString(accessSecret),
            Base64Url.EncodeToString(refreshSecret), Convert.ToBase64String(refreshSecret), Convert.ToHexString(refreshSecret),
        };

        // Sign in, refresh twice, replay the first refresh token (reuse), a forged and a garbage access token, a refresh
        // from another device (revoked), a store failure, and the detector raising brute force and theft.
        var first = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = context });
        var second = (await manager.RefreshAsync(first.RefreshToken, context, default)).Tokens!;
        time.Advance(TimeSpan.FromMinutes(1));
        var third = (await manager.RefreshAsync(second.RefreshToken, context, default)).Tokens!;
        (await manager.RefreshAsync(first.RefreshToken, context, default)).Status.Should().Be(RefreshStatus.ReuseDetected);
        var forged = third.AccessToken[..^2] + (third.AccessToken[^2] == 'A' ? "B" : "A") + third.AccessToken[^1];
        manager.ValidateAccessToken(forged).Error.Should().Be(TokenValidationError.BadSignature);
        manager.ValidateAuthorizationHeader("Bearer garbage").Error.Should().Be(TokenValidationError.Malformed);
        var other = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = context });
        (await manager.RefreshAsync(other.RefreshToken, new SessionRequestContext { IpAddress = "192.0.2.7", DeviceId = "device-2" }, default)).Status.Should().Be(RefreshStatus.ContextRevoked);
        var fourth = await manager.StartSessionAsync("bob");
        await manager.RevokeAsync(fourth.SessionId);
        store.Faults = StoreFaults.Rotate;
        var failing = await manager.StartSessionAsync("carol");
        await FluentActions.Invoking(() => manager.RefreshAsync(failing.RefreshToken).AsTask()).Should().ThrowAsync<SessionStoreUnavailableException>();
        detector.RecordInvalidAccessToken("192.0.2.7", TokenValidationError.BadSignature);
        detector.RecordInvalidAccessToken("192.0.2.7", TokenValidationError.BadSignature).Should().Be(AnomalyKind.BruteForce);
        detector.Record("192.0.2.7", AnomalySignal.RefreshTokenReuse).Should().Be(AnomalyKind.TokenTheft);

        foreach (var tokens in new[] { first, second, third, other, fourth, failing })
        {
            secrets.Add(tokens.AccessToken);
            secrets.Add(tokens.RefreshToken);
            secrets.Add(tokens.AccessToken[(tokens.AccessToken.LastIndexOf('.') + 1)..]);
            secrets.Add(tokens.RefreshToken[(tokens.RefreshToken.LastIndexOf('.') + 1)..]);
        }

        secrets.Add(forged);
        var written = logs.Entries.Select(e => e.Message)
            .Concat(spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(s.DisplayName)))
            .ToList();
        TestContext.Out.WriteLine($"{logs.Entries.Count} log entries, {spans.Count} spans");
        logs.Entries.Select(e => e.EventId).Should().Contain([1, 2, 3, 6, 40], "reuse, revocation, store failure, context change and anomaly are all logged");
        logs.Entries.Should().OnlyContain(e => e.EventId != 0, "every log entry has its event id");
        spans.Select(s => s.OperationName).Should().Contain(["jwtsessions.session.start", "jwtsessions.refresh", "jwtsessions.session.revoke", "jwtsessions.store refresh"]);
        third.AccessToken.Should().MatchRegex(TokenShape, "the shape check must be able to fail");
        foreach (var line in written)
        {
            foreach (var secret in secrets)
            {
                line.Should().NotContain(secret);
            }

            // Nothing shaped like a compact JWS (three base64url segments, the first a JSON object) either.
            line.Should().NotMatchRegex(TokenShape);
        }
    }

    [Test]
    public async Task Lifecycle_Metrics_CountOutcomesStoreCallsAndAnomalies()
    {
        var time = TestClock.Create();
        using var meters = new MeterListener();
        var counts = new Dictionary<string, long>();
        var durations = new List<(double Seconds, string Operation)>();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == JwtSessionsTelemetry.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + string.Concat(tags.ToArray().Select(t => $"|{t.Key}={t.Value}"));
            lock (counts)
            {
                counts[key] = counts.GetValueOrDefault(key) + value;
            }
        });
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "jwtsessions.store.duration")
            {
                lock (durations)
                {
                    durations.Add((value, (string)tags.ToArray().Single(t => t.Key == "operation").Value!));
                }
            }
        });
        meters.Start();
        using var store = new TestSessionStore(time);
        using var manager = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = KeyRing.Create(TestKeys.Hs256) }, store, time, SuiteLogs.For<SessionManager>());
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { FloodThreshold = 1 }, time, SuiteLogs.For<AnomalyDetector>());

        var tokens = await manager.StartSessionAsync("metrics-subject");
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();
        await manager.RefreshAsync("not-a-token");
        detector.Record("198.51.100.1", AnomalySignal.InvalidAccessToken).Should().Be(AnomalyKind.Flood);

        counts.Should().ContainKey("jwtsessions.tokens.validated").WhoseValue.Should().BeGreaterThanOrEqualTo(2);
        counts.Should().ContainKey("jwtsessions.cache.lookups|result=hit");
        counts.Should().ContainKey("jwtsessions.cache.lookups|result=miss");
        counts.Should().ContainKey("jwtsessions.refreshes|status=InvalidToken");
        counts.Should().ContainKey("jwtsessions.anomalies.detected|kind=Flood");
        durations.Should().Contain(d => d.Operation == "sign-in" && d.Seconds == 0, "the fake clock stands still during the call");
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public List<(int EventId, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception) + (exception is null ? string.Empty : " " + exception);
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    message += string.Concat(values.Select(v => $" {v.Key}={v.Value}"));
                }

                lock (owner.Entries)
                {
                    owner.Entries.Add((eventId.Id, message));
                }
            }
        }
    }
}
