using System.Diagnostics.Metrics;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <content>Rotation, the grace window for the previous generation, and reuse (theft) detection.</content>
public sealed partial class SessionManagerTests
{
    private static readonly TimeSpan s_grace = SessionPolicy.Default.RefreshGracePeriod;

    [Test]
    public async Task Refresh_CurrentGeneration_RotatesToNextGeneration()
    {
        using var manager = CreateManager();
        var first = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(4));

        var result = await manager.RefreshAsync(first.RefreshToken);

        result.Status.Should().Be(RefreshStatus.Rotated);
        result.Succeeded.Should().BeTrue();
        result.SessionId.Should().Be(first.SessionId);
        result.Subject.Should().Be("alice");
        result.Tokens!.SessionId.Should().Be(first.SessionId);
        result.Tokens.Generation.Should().Be(1);
        TokenParts.Payload(result.Tokens.RefreshToken).GetProperty("gen").GetInt64().Should().Be(1);
        manager.ValidateAccessToken(result.Tokens.AccessToken).IsValid.Should().BeTrue();
        var record = await StoredAsync(first.SessionId);
        record!.Generation.Should().Be(1);
        record.RotatedAt.Should().Be(_time.GetUtcNow());
        _store.Revokes.Should().Be(0);
    }

    [Test]
    public async Task Refresh_HundredRotations_StoreKeepsOneRecordPerSession()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");

        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            var result = await manager.RefreshAsync(tokens.RefreshToken);
            result.Status.Should().Be(RefreshStatus.Rotated);
            tokens = result.Tokens!;
        }

        tokens.Generation.Should().Be(100);
        _store.Inner.Count.Should().Be(1, "refresh tokens are tracked by a generation counter, not one entry each");
    }

    [Test]
    public async Task Refresh_PreviousGenerationExactlyAtGrace_ReissuesCurrentGenerationWithoutFork()
    {
        using var manager = CreateManager();
        var first = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(1));
        var rotated = await manager.RefreshAsync(first.RefreshToken);
        _time.Advance(s_grace);

        var reissued = await manager.RefreshAsync(first.RefreshToken);

        reissued.Status.Should().Be(RefreshStatus.GraceReissued);
        reissued.Succeeded.Should().BeTrue();
        reissued.Tokens!.Generation.Should().Be(rotated.Tokens!.Generation, "the current generation is re-issued, never advanced again");
        (await StoredAsync(first.SessionId))!.Generation.Should().Be(1);
        _store.Revokes.Should().Be(0);
        manager.ValidateAccessToken(reissued.Tokens.AccessToken).IsValid.Should().BeTrue();
        manager.ValidateAccessToken(rotated.Tokens.AccessToken).IsValid.Should().BeTrue();

        _time.Advance(TimeSpan.FromMinutes(1));
        var next = await manager.RefreshAsync(reissued.Tokens.RefreshToken);
        next.Status.Should().Be(RefreshStatus.Rotated, "the re-issued token continues the one branch");
        next.Tokens!.Generation.Should().Be(2);
    }

    [Test]
    public async Task Refresh_PreviousGenerationOneTickAfterGrace_ReuseDetectedAndSessionRevoked()
    {
        using var manager = CreateManager();
        var first = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(1));
        var rotated = await manager.RefreshAsync(first.RefreshToken);
        _time.Advance(s_grace + TimeSpan.FromTicks(1));

        var replay = await manager.RefreshAsync(first.RefreshToken);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
        replay.Succeeded.Should().BeFalse();
        replay.Tokens.Should().BeNull();
        replay.SessionId.Should().Be(first.SessionId);
        replay.Subject.Should().Be("alice");
        await AssertRevokedAsync(manager, first.SessionId, SessionEndReason.RefreshTokenReuse);
        manager.ValidateAccessToken(first.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        manager.ValidateAccessToken(rotated.Tokens!.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        (await manager.RefreshAsync(rotated.Tokens.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked, "the thief's branch dies too");
    }

    [Test]
    public async Task Refresh_GraceZero_PreviousGenerationAtOnce_ReuseDetected()
    {
        using var manager = CreateManager(SessionPolicy.Default with { RefreshGracePeriod = TimeSpan.Zero });
        var first = await manager.StartSessionAsync("alice");
        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);

        var replay = await manager.RefreshAsync(first.RefreshToken);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
        await AssertRevokedAsync(manager, first.SessionId, SessionEndReason.RefreshTokenReuse);
    }

    [Test]
    public async Task Refresh_OlderThanPreviousGenerationInsideGrace_ReuseDetected()
    {
        using var manager = CreateManager();
        var first = await manager.StartSessionAsync("alice");
        var second = await manager.RefreshAsync(first.RefreshToken);
        (await manager.RefreshAsync(second.Tokens!.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);

        var replay = await manager.RefreshAsync(first.RefreshToken);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected, "generation 0 is two behind: only the immediately previous one has grace");
        await AssertRevokedAsync(manager, first.SessionId, SessionEndReason.RefreshTokenReuse);
    }

    [Test]
    public async Task Refresh_GenerationNeverIssued_ReuseDetected()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");

        var result = await manager.RefreshAsync(MintRefresh(tokens.SessionId, generation: 7));

        result.Status.Should().Be(RefreshStatus.ReuseDetected);
        await AssertRevokedAsync(manager, tokens.SessionId, SessionEndReason.RefreshTokenReuse);
    }

    [Test]
    public async Task Refresh_ReuseDetected_RaisesEventWithSessionAndSubject()
    {
        using var manager = CreateManager();
        var events = new List<SessionSecurityEventArgs>();
        manager.ReuseDetected += (sender, args) =>
        {
            sender.Should().BeSameAs(manager);
            events.Add(args);
        };
        var first = await manager.StartSessionAsync("alice");
        await manager.RefreshAsync(first.RefreshToken);
        _time.Advance(TimeSpan.FromMinutes(1));

        await manager.RefreshAsync(first.RefreshToken);

        events.Should().ContainSingle();
        events[0].Revocation.Should().Be(new SessionRevocation(first.SessionId, "alice", _time.GetUtcNow(), SessionEndReason.RefreshTokenReuse));
    }

    [Test]
    public async Task Refresh_GraceReissued_RaisesNoEvent()
    {
        using var manager = CreateManager();
        var raised = 0;
        manager.ReuseDetected += (_, _) => raised++;
        var first = await manager.StartSessionAsync("alice");
        await manager.RefreshAsync(first.RefreshToken);

        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.GraceReissued);

        raised.Should().Be(0);
    }

    [Test]
    public async Task Refresh_ReuseDetected_IncrementsReuseMetricOnce()
    {
        using var manager = CreateManager();
        var first = await manager.StartSessionAsync("alice");
        await manager.RefreshAsync(first.RefreshToken);
        _time.Advance(TimeSpan.FromMinutes(1));
        using var reuse = new CounterProbe("jwtsessions.refresh_token.reuse_detected");

        await manager.RefreshAsync(first.RefreshToken);
        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);

        reuse.Total.Should().Be(1, "the second replay finds the session already revoked");
    }

    [Test]
    public async Task Refresh_EachOutcome_CountedByStatus()
    {
        using var manager = CreateManager(SessionPolicy.Default with { RefreshGracePeriod = TimeSpan.Zero });
        var first = await manager.StartSessionAsync("alice");
        using var refreshes = new CounterProbe("jwtsessions.refreshes");
        using var revoked = new CounterProbe("jwtsessions.sessions.revoked");

        await manager.RefreshAsync(first.RefreshToken);
        await manager.RefreshAsync(first.RefreshToken);
        await manager.RefreshAsync("garbage");

        refreshes.ByTag("status").Should().BeEquivalentTo(new Dictionary<string, long>
        {
            ["Rotated"] = 1,
            ["ReuseDetected"] = 1,
            ["InvalidToken"] = 1,
        });
        revoked.ByTag("reason").Should().BeEquivalentTo(new Dictionary<string, long> { ["RefreshTokenReuse"] = 1 });
    }

    private async Task AssertRevokedAsync(SessionManager manager, string sessionId, SessionEndReason reason)
    {
        var record = await StoredAsync(sessionId);
        record!.RevokedAt.Should().NotBeNull();
        record.RevocationReason.Should().Be(reason);
        manager.Revocations.Contains(sessionId).Should().BeTrue();
    }

    /// <summary>Sums one JwtSessions counter while it lives, in total and by the value of one tag.</summary>
    private sealed class CounterProbe : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(long Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

        public CounterProbe(string instrument)
        {
            _listener.InstrumentPublished = (published, listener) =>
            {
                if (published.Meter.Name == "JwtSessions" && published.Name == instrument)
                {
                    listener.EnableMeasurementEvents(published);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                lock (_measurements)
                {
                    _measurements.Add((value, tags.ToArray()));
                }
            });
            _listener.Start();
        }

        public long Total
        {
            get
            {
                lock (_measurements)
                {
                    return _measurements.Sum(m => m.Value);
                }
            }
        }

        public Dictionary<string, long> ByTag(string tag)
        {
            lock (_measurements)
            {
                return _measurements
                    .GroupBy(m => m.Tags.Single(t => t.Key == tag).Value?.ToString() ?? "")
                    .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
