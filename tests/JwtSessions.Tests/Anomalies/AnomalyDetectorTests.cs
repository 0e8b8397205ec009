using JwtSessions.Anomalies;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Anomalies;

/// <summary>Thresholds, the sliding window, blocking and the options of <see cref="AnomalyDetector"/>, on a fake clock.</summary>
public sealed class AnomalyDetectorTests
{
    private FakeTimeProvider _time = null!;
    private List<AnomalyDetectedEventArgs> _events = null!;

    [SetUp]
    public void SetUp()
    {
        _time = TestClock.Create();
        _events = [];
    }

    [Test]
    public void Record_BruteForceSignalsUpToTheThreshold_RaisesOnceAtTheThreshold()
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 5 });

        var kinds = Enumerable.Range(0, 8).Select(_ => detector.Record("198.51.100.7", AnomalySignal.UnknownSession)).ToList();

        kinds.Should().Equal(
            AnomalyKind.None, AnomalyKind.None, AnomalyKind.None, AnomalyKind.None, AnomalyKind.BruteForce,
            AnomalyKind.None, AnomalyKind.None, AnomalyKind.None);
        _events.Should().ContainSingle();
        var raised = _events[0];
        raised.Kind.Should().Be(AnomalyKind.BruteForce);
        raised.ClientKey.Should().Be("198.51.100.7");
        raised.Signal.Should().Be(AnomalySignal.UnknownSession);
        raised.Count.Should().Be(5);
        raised.Threshold.Should().Be(5);
        raised.Window.Should().Be(TimeSpan.FromMinutes(1));
        raised.DetectedAt.Should().Be(TestClock.Start);
        raised.BlockedUntil.Should().Be(TestClock.Start + TimeSpan.FromMinutes(15));
    }

    [TestCase(TokenValidationError.BadSignature, AnomalyKind.BruteForce)]
    [TestCase(TokenValidationError.UnknownKey, AnomalyKind.BruteForce)]
    [TestCase(TokenValidationError.Revoked, AnomalyKind.BruteForce)]
    [TestCase(TokenValidationError.Expired, AnomalyKind.Flood)]
    [TestCase(TokenValidationError.Malformed, AnomalyKind.Flood)]
    public void RecordInvalidAccessToken_ByErrorCode_CountsForgeriesAsBruteForceAndTheRestAsFlood(TokenValidationError error, AnomalyKind expected)
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 3, FloodThreshold = 4 });

        var kinds = Enumerable.Range(0, 4).Select(_ => detector.RecordInvalidAccessToken("k", error)).ToList();

        kinds.Should().Contain(expected);
        _events.Select(e => e.Kind).Should().StartWith(expected);
        if (expected == AnomalyKind.BruteForce)
        {
            kinds[2].Should().Be(AnomalyKind.BruteForce);
            kinds[3].Should().Be(AnomalyKind.Flood);
        }
        else
        {
            kinds.Should().Equal(AnomalyKind.None, AnomalyKind.None, AnomalyKind.None, AnomalyKind.Flood);
        }
    }

    [TestCase(RefreshStatus.InvalidToken, AnomalySignal.ForgedRefreshToken)]
    [TestCase(RefreshStatus.UnknownSession, AnomalySignal.UnknownSession)]
    [TestCase(RefreshStatus.SessionRevoked, AnomalySignal.RevokedSession)]
    [TestCase(RefreshStatus.StepUpRequired, AnomalySignal.ContextChange)]
    [TestCase(RefreshStatus.ContextRevoked, AnomalySignal.ContextChange)]
    public void RecordRefresh_RefusedRefresh_CountsItsSignalTowardsBruteForce(RefreshStatus status, AnomalySignal expected)
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 2, FloodThreshold = 100 });
        var result = status == RefreshStatus.InvalidToken
            ? RefreshResult.Invalid(TokenValidationError.BadSignature)
            : RefreshResult.Failure(status, "session-1", "alice");

        detector.RecordRefresh("k", result).Should().Be(AnomalyKind.None);
        detector.RecordRefresh("k", result).Should().Be(AnomalyKind.BruteForce);

        _events.Should().ContainSingle().Which.Signal.Should().Be(expected);
    }

    [Test]
    public void RecordRefresh_ExpiredSession_RecordsNothing()
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 1, FloodThreshold = 1 });

        detector.RecordRefresh("k", RefreshResult.Failure(RefreshStatus.SessionExpired, "session-1", "alice")).Should().Be(AnomalyKind.None);

        detector.EstimateFlood("k").Should().Be(0);
        _events.Should().BeEmpty();
    }

    [Test]
    public void RecordInvalidAccessToken_None_RecordsNothing()
    {
        var detector = Detector(new AnomalyDetectorOptions { FloodThreshold = 1 });

        detector.RecordInvalidAccessToken("k", TokenValidationError.None).Should().Be(AnomalyKind.None);

        detector.EstimateFlood("k").Should().Be(0);
    }

    [Test]
    public void Record_FloodOfMixedSignals_RaisesFloodAtTheThreshold()
    {
        var detector = Detector(new AnomalyDetectorOptions { FloodThreshold = 10, BruteForceThreshold = 100, FloodBlockDuration = TimeSpan.Zero });

        for (var i = 0; i < 9; i++)
        {
            detector.Record("k", i % 2 == 0 ? AnomalySignal.InvalidAccessToken : AnomalySignal.ForgedRefreshToken).Should().Be(AnomalyKind.None);
        }

        detector.Record("k", AnomalySignal.InvalidAccessToken).Should().Be(AnomalyKind.Flood);
        _events.Should().ContainSingle().Which.BlockedUntil.Should().BeNull();
        detector.IsBlocked("k").Should().BeFalse();
    }

    [Test]
    public void Record_RefreshTokenReuse_RaisesTokenTheftEveryTimeAndBlocksNobodyByDefault()
    {
        var detector = Detector();

        detector.Record("device-1", AnomalySignal.RefreshTokenReuse).Should().Be(AnomalyKind.TokenTheft);
        detector.Record("device-1", AnomalySignal.RefreshTokenReuse).Should().Be(AnomalyKind.TokenTheft);

        _events.Should().HaveCount(2).And.OnlyContain(e => e.Kind == AnomalyKind.TokenTheft && e.Threshold == 1 && e.BlockedUntil == null);
        detector.IsBlocked("device-1").Should().BeFalse();
    }

    [Test]
    public void Record_OtherKeys_CountSeparately()
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 3 });

        detector.Record("a", AnomalySignal.UnknownSession);
        detector.Record("a", AnomalySignal.UnknownSession);
        detector.Record("b", AnomalySignal.UnknownSession);
        detector.Record("b", AnomalySignal.UnknownSession);

        _events.Should().BeEmpty();
        detector.EstimateBruteForce("a").Should().Be(2);
        detector.Record("a", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.BruteForce);
        _events.Should().ContainSingle().Which.ClientKey.Should().Be("a");
    }

    [Test]
    public void Record_SignalsOlderThanTheWindow_NoLongerCount()
    {
        // Window of 60 s in 4 cells of 15 s.
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 3 });
        detector.Record("k", AnomalySignal.UnknownSession);
        detector.Record("k", AnomalySignal.UnknownSession);

        _time.Advance(TimeSpan.FromSeconds(60));

        detector.EstimateBruteForce("k").Should().Be(0);
        detector.Record("k", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.None);
        detector.Record("k", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.None);
        detector.Record("k", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.BruteForce);
    }

    [Test]
    public void Record_SignalsWithinTheWindow_SlideCellByCell()
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 4 });
        detector.Record("k", AnomalySignal.UnknownSession); // cell 0
        _time.Advance(TimeSpan.FromSeconds(15));
        detector.Record("k", AnomalySignal.UnknownSession); // cell 1
        _time.Advance(TimeSpan.FromSeconds(30));
        detector.Record("k", AnomalySignal.UnknownSession); // cell 3

        detector.EstimateBruteForce("k").Should().Be(3);

        // 60 s after the start the first cell leaves the window; 75 s, the second.
        _time.Advance(TimeSpan.FromSeconds(15));
        detector.EstimateBruteForce("k").Should().Be(2);
        _time.Advance(TimeSpan.FromSeconds(15));
        detector.EstimateBruteForce("k").Should().Be(1);
        detector.Record("k", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.None);
        _events.Should().BeEmpty();
    }

    [Test]
    public void Record_ClockJumpsManyWindows_StaleCellsCountNothing()
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 2 });
        detector.Record("k", AnomalySignal.UnknownSession);

        _time.Advance(TimeSpan.FromDays(3) + TimeSpan.FromSeconds(20));

        detector.EstimateBruteForce("k").Should().Be(0);
        detector.Record("k", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.None);
    }

    [Test]
    public void Record_BruteForceAfterTheCountFellBelow_RaisesAgain()
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 2, BruteForceBlockDuration = TimeSpan.Zero });
        detector.Record("k", AnomalySignal.RevokedSession);
        detector.Record("k", AnomalySignal.RevokedSession).Should().Be(AnomalyKind.BruteForce);

        _time.Advance(TimeSpan.FromMinutes(1));
        detector.Record("k", AnomalySignal.RevokedSession);
        detector.Record("k", AnomalySignal.RevokedSession).Should().Be(AnomalyKind.BruteForce);

        _events.Should().HaveCount(2);
    }

    [Test]
    public void Record_UndefinedSignal_Throws()
    {
        var detector = Detector();

        detector.Invoking(d => d.Record("k", (AnomalySignal)99)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void IsBlocked_AfterBlock_HoldsForTheDurationThenLifts()
    {
        var detector = Detector();
        detector.Block("203.0.113.9", TimeSpan.FromSeconds(90));

        detector.IsBlocked("203.0.113.9", out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromSeconds(90));
        detector.IsBlocked("203.0.113.10").Should().BeFalse();

        _time.Advance(TimeSpan.FromSeconds(89.5));
        detector.IsBlocked("203.0.113.9", out retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromSeconds(0.5));

        _time.Advance(TimeSpan.FromSeconds(0.5));
        detector.IsBlocked("203.0.113.9", out retryAfter).Should().BeFalse();
        retryAfter.Should().Be(TimeSpan.Zero);
    }

    [Test]
    public void Block_ShorterThanTheCurrentBlock_KeepsTheLongerOne()
    {
        var detector = Detector();
        detector.Block("k", TimeSpan.FromMinutes(10));

        detector.Block("k", TimeSpan.FromMinutes(1));

        detector.IsBlocked("k", out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromMinutes(10));
    }

    [Test]
    public void Unblock_BlockedKey_LiftsTheBlock()
    {
        var detector = Detector();
        detector.Block("k", TimeSpan.FromMinutes(10));

        detector.Unblock("k").Should().BeTrue();

        detector.IsBlocked("k").Should().BeFalse();
        detector.Unblock("k").Should().BeFalse();
    }

    [Test]
    public void Block_NonPositiveDuration_Throws()
    {
        var detector = Detector();

        detector.Invoking(d => d.Block("k", TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        detector.Invoking(d => d.Block("k", TimeSpan.FromDays(31))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Block_MoreKeysThanTheBlockList_KeepsItsSizeAndTheNewestBlocks()
    {
        var detector = Detector(new AnomalyDetectorOptions { BlockListCapacity = 64 });
        var before = detector.MemoryBytes;

        for (var i = 0; i < 1000; i++)
        {
            detector.Block($"key-{i}", TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(i));
        }

        detector.MemoryBytes.Should().Be(before);
        detector.IsBlocked("key-999").Should().BeTrue();
        Enumerable.Range(0, 1000).Count(i => detector.IsBlocked($"key-{i}")).Should().BeLessThanOrEqualTo(64);
    }

    [Test]
    public void Record_BruteForceWithBlocking_BlocksTheKeyForTheConfiguredTime()
    {
        var detector = Detector(new AnomalyDetectorOptions { BruteForceThreshold = 2, BruteForceBlockDuration = TimeSpan.FromMinutes(5) });
        detector.Record("k", AnomalySignal.ForgedRefreshToken);
        detector.IsBlocked("k").Should().BeFalse();

        detector.Record("k", AnomalySignal.ForgedRefreshToken);

        detector.IsBlocked("k", out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromMinutes(5));
        detector.IsBlocked("k").Should().BeFalse();
    }

    [Test]
    public void AnomalyDetected_HandlerThrows_RecordStillReturnsTheAnomaly()
    {
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { BruteForceThreshold = 1 }, _time, logger: SuiteLogs.For<AnomalyDetector>());
        detector.AnomalyDetected += (_, _) => throw new InvalidOperationException("observer");

        detector.Record("k", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.BruteForce);
    }

    [Test]
    public void Record_AnomalyWithABlock_LogsEvent40WithTheBlocksEnd()
    {
        var logger = new ListLogger<AnomalyDetector>();
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { BruteForceThreshold = 1, BruteForceBlockDuration = TimeSpan.FromMinutes(15) }, _time, logger);

        detector.Record("203.0.113.9", AnomalySignal.UnknownSession).Should().Be(AnomalyKind.BruteForce);

        var (eventId, message) = logger.Entries.Should().ContainSingle().Subject;
        eventId.Id.Should().Be(40);
        eventId.Name.Should().Be("AnomalyBlocked");
        message.Should().Be(
            "Anomaly BruteForce from client key 203.0.113.9 (signal count 1 within 00:01:00, last signal UnknownSession): "
            + $"blocked until {TestClock.Start.AddMinutes(15):O}.");
    }

    [Test]
    public void Record_AnomalyWithoutABlock_LogsEvent41SayingNotBlocked()
    {
        var logger = new ListLogger<AnomalyDetector>();
        var detector = new AnomalyDetector(new AnomalyDetectorOptions(), _time, logger);

        detector.Record("203.0.113.9", AnomalySignal.RefreshTokenReuse).Should().Be(AnomalyKind.TokenTheft);

        var (eventId, message) = logger.Entries.Should().ContainSingle().Subject;
        eventId.Id.Should().Be(41);
        message.Should().Be(
            "Anomaly TokenTheft from client key 203.0.113.9 (signal count 1 within 00:01:00, last signal RefreshTokenReuse): "
            + "not blocked, the options set no block for it.");
        message.Should().NotContain("until", "a raise without a block names no end");
    }

    [Test]
    public void Validate_DefaultOptions_HasNoProblems()
        => new AnomalyDetectorOptions().Validate().Should().BeEmpty();

    [Test]
    public void Validate_EverySettingOutOfRange_NamesEachOne()
    {
        var options = new AnomalyDetectorOptions
        {
            MemoryBudgetBytes = 1024,
            Window = TimeSpan.Zero,
            WindowCells = 1,
            BruteForceThreshold = 0,
            FloodThreshold = 70_000,
            BruteForceBlockDuration = TimeSpan.FromSeconds(-1),
            FloodBlockDuration = TimeSpan.FromDays(31),
            TokenTheftBlockDuration = TimeSpan.FromDays(-1),
            BlockListCapacity = 100,
        };

        var problems = options.Validate();

        foreach (var name in new[]
        {
            "MemoryBudgetBytes", "Window ", "WindowCells", "BruteForceThreshold", "FloodThreshold", "BruteForceBlockDuration",
            "FloodBlockDuration", "TokenTheftBlockDuration", "BlockListCapacity",
        })
        {
            problems.Should().Contain(p => p.StartsWith(name, StringComparison.Ordinal), because: name + " is out of range");
        }

        problems.Should().HaveCount(9);
        FluentActions.Invoking(() => new AnomalyDetector(options, logger: SuiteLogs.For<AnomalyDetector>())).Should().Throw<ArgumentException>().WithMessage("*WindowCells*");
    }

    [Test]
    public void Validate_BlockListTakingTheWholeBudget_IsAProblem()
    {
        var options = new AnomalyDetectorOptions { MemoryBudgetBytes = 64 * 1024, BlockListCapacity = 8192 };

        options.Validate().Should().ContainSingle().Which.Should().StartWith("MemoryBudgetBytes must leave");
    }

    private AnomalyDetector Detector(AnomalyDetectorOptions? options = null)
    {
        var detector = new AnomalyDetector(options ?? new AnomalyDetectorOptions(), _time, logger: SuiteLogs.For<AnomalyDetector>());
        detector.AnomalyDetected += (_, e) => _events.Add(e);
        return detector;
    }
}
