using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using JwtSessions.Anomalies;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Anomalies;

/// <summary>
/// Floods through <see cref="AnomalyDetector"/>: a million distinct client keys (its memory is the fixed budget, recording
/// allocates nothing, and the false-positive rate of quiet keys stays under the bound docs/observability.md states; the
/// figures the tests print are the ones it quotes), a million garbage headers from as many keys, a thousand guessed session
/// ids from one key, and a replayed refresh token from another device followed by its revoked access token. Each asserts the
/// events raised, the fixed memory and no allocation per rejected request on the validator and detector path.
/// </summary>
[NonParallelizable]
public sealed class AnomalyDetectorFloodTests
{
    private const int Keys = 1_000_000;
    private const string Garbage = "Bearer eyJhbGciOiJIUzI1NiJ9.garbage!.x";

    /// <summary>
    /// Runs the measured loops once: tiered compilation (on-stack replacement of a long loop) allocates on the running
    /// thread the first times through, which is the JIT's cost, not the detector's.
    /// </summary>
    [OneTimeSetUp]
    public void WarmUp()
    {
        var time = TestClock.Create();
        RecordDistinctKeys(new AnomalyDetector(new AnomalyDetectorOptions(), time, logger: SuiteLogs.For<AnomalyDetector>()), time, keysPerWindow: Keys);
    }

    [Test]
    public void Constructor_DefaultBudget_AllocatesTheBudgetOnce()
    {
        var time = TestClock.Create();
        _ = new AnomalyDetector(new AnomalyDetectorOptions { MemoryBudgetBytes = AnomalyDetectorOptions.MinMemoryBudgetBytes, BlockListCapacity = 64 }, time, logger: SuiteLogs.For<AnomalyDetector>());
        var budget = new AnomalyDetectorOptions().MemoryBudgetBytes;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var detector = new AnomalyDetector(new AnomalyDetectorOptions(), time, logger: SuiteLogs.For<AnomalyDetector>());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        TestContext.Out.WriteLine($"budget {budget} B, counters and block list {detector.MemoryBytes} B, allocated {allocated} B, sketch width {detector.SketchWidth}");
        detector.MemoryBytes.Should().BeInRange(budget - 1024, budget);
        allocated.Should().BeInRange(detector.MemoryBytes, detector.MemoryBytes + (8 * 1024));
    }

    [Test]
    public void Record_MillionDistinctKeysInOneWindow_NoAllocationAndFewFalsePositives()
    {
        var time = TestClock.Create();
        var detector = new AnomalyDetector(new AnomalyDetectorOptions(), time, logger: SuiteLogs.For<AnomalyDetector>());
        var raised = 0;
        detector.AnomalyDetected += (_, _) => raised++;
        var memory = detector.MemoryBytes;

        var (flagged, allocated) = RecordDistinctKeys(detector, time, keysPerWindow: Keys);

        var rate = (double)flagged / Keys;
        TestContext.Out.WriteLine($"one window: {flagged} of {Keys} quiet keys flagged ({rate:P3}), {allocated} B allocated outside the events");
        detector.MemoryBytes.Should().Be(memory);
        allocated.Should().Be(0);
        raised.Should().Be(flagged);
        rate.Should().BeLessThan(0.001, "docs/observability.md states under one in a thousand at a million signals a window with the default budget");
    }

    [Test]
    public void Record_MillionDistinctKeysOverTenWindows_NoFalsePositive()
    {
        var time = TestClock.Create();
        var detector = new AnomalyDetector(new AnomalyDetectorOptions(), time, logger: SuiteLogs.For<AnomalyDetector>());
        var memory = detector.MemoryBytes;

        var (flagged, allocated) = RecordDistinctKeys(detector, time, keysPerWindow: Keys / 10);

        TestContext.Out.WriteLine($"ten windows: {flagged} of {Keys} quiet keys flagged, {allocated} B allocated");
        detector.MemoryBytes.Should().Be(memory);
        allocated.Should().Be(0);
        flagged.Should().Be(0, "at 100,000 signals a window the expected rate is below one in a billion (docs/observability.md)");
    }

    [Test]
    public void Record_GuesserHiddenInAMillionKeys_IsFlaggedAtTheThreshold()
    {
        var time = TestClock.Create();
        var options = new AnomalyDetectorOptions();
        var detector = new AnomalyDetector(options, time, logger: SuiteLogs.For<AnomalyDetector>());
        var guesserFlaggedAt = -1;
        detector.AnomalyDetected += (_, e) =>
        {
            if (e.ClientKey == "guesser")
            {
                guesserFlaggedAt = e.Count;
            }
        };

        Span<char> key = stackalloc char[16];
        for (var i = 0; i < Keys; i++)
        {
            i.TryFormat(key, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
            detector.Record(key[..length], AnomalySignal.UnknownSession);
            if (i % (Keys / options.BruteForceThreshold) == 0)
            {
                detector.Record("guesser", AnomalySignal.UnknownSession);
            }
        }

        // A sketch never undercounts: the guesser is flagged at its 20th guess at the latest.
        guesserFlaggedAt.Should().Be(options.BruteForceThreshold);
        detector.IsBlocked("guesser").Should().BeTrue();
    }

    [Test]
    public void ValidateThenRecord_MillionGarbageHeadersFromDistinctKeys_NoAllocationNoFalsePositive()
    {
        var time = TestClock.Create();
        using var manager = new JwtSessions.Sessions.SessionManager(
            new JwtSessions.Sessions.SessionManagerOptions
            {
                Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = JwtSessions.Signing.KeyRing.Create(TestKeys.Hs256),
            },
            timeProvider: time, logger: SuiteLogs.For<JwtSessions.Sessions.SessionManager>());
        var detector = new AnomalyDetector(new AnomalyDetectorOptions(), time, logger: SuiteLogs.For<AnomalyDetector>());
        var memory = detector.MemoryBytes;
        manager.ValidateAuthorizationHeader(Garbage).Error.Should().Be(JwtSessions.Validation.TokenValidationError.Malformed);

        // Warm-up (tiered compilation allocates the first times through), then the measured run on other keys.
        RejectGarbage(manager, detector, 'w', Keys);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var flagged = RejectGarbage(manager, detector, 'g', Keys);

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0, "a rejected request costs no allocation on the validator and detector path");
        flagged.Should().Be(0);
        detector.MemoryBytes.Should().Be(memory);
    }

    [Test]
    public async Task ValidateThenRecord_ThousandGuessedSessionIdsFromOneKey_BruteForceThenFloodNoAllocation()
    {
        const int Guesses = 1000;
        const string Guesser = "203.0.113.66";
        var time = TestClock.Create();
        using var manager = Manager(time, SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(32), JwtAlgorithm.HS256, "access-1"));

        // The guesser signs tokens naming sessions of its own invention (fresh random ids) under the server's key id, but
        // not with its key: each one is a bad signature.
        using var guesser = Manager(time, SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(32), JwtAlgorithm.HS256, "access-1"));
        var headers = new string[Guesses];
        for (var i = 0; i < Guesses; i++)
        {
            headers[i] = "Bearer " + (await guesser.StartSessionAsync("victim")).AccessToken;
        }

        headers.Distinct().Should().HaveCount(Guesses);
        var events = new List<AnomalyDetectedEventArgs>();
        var eventOnly = new AnomalyDetectorOptions { BruteForceBlockDuration = TimeSpan.Zero, FloodBlockDuration = TimeSpan.Zero };
        var detector = new AnomalyDetector(eventOnly, time, logger: SuiteLogs.For<AnomalyDetector>());
        detector.AnomalyDetected += (_, e) => events.Add(e);
        var memory = detector.MemoryBytes;

        WarmUp(manager, time, headers);
        var (rejected, allocated) = ValidateAndRecord(manager, detector, Guesser, headers);

        rejected.Should().Be(Guesses, "every guess is refused by the validator as a bad signature");
        allocated.Should().Be(0, "a rejected request costs no allocation on the validator and detector path");
        events.Select(e => (e.Kind, e.ClientKey, e.Count, e.BlockedUntil)).Should().Equal(
            (AnomalyKind.BruteForce, Guesser, eventOnly.BruteForceThreshold, (DateTimeOffset?)null),
            (AnomalyKind.Flood, Guesser, eventOnly.FloodThreshold, (DateTimeOffset?)null));
        events.Should().OnlyContain(e => e.Signal == AnomalySignal.ForgedAccessToken);
        detector.IsBlocked(Guesser).Should().BeFalse("these options raise events only");
        detector.MemoryBytes.Should().Be(memory);
    }

    [Test]
    public async Task RefreshThenValidate_RefreshTokenReplayedFromAnotherDevice_TheftThenBruteForceBlockNoAllocation()
    {
        const int Requests = 1000;
        const string Owner = "192.0.2.7";
        const string Thief = "198.51.100.66";
        var time = TestClock.Create();
        using var manager = Manager(time, SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(32), JwtAlgorithm.HS256, "access-1"));
        var ownerContext = new SessionRequestContext { IpAddress = Owner, UserAgent = "Firefox/140.0 (Windows)" };
        var thiefContext = new SessionRequestContext { IpAddress = Thief, UserAgent = "Firefox/140.0 (Windows)" };
        var options = new AnomalyDetectorOptions();
        var detector = new AnomalyDetector(options, time, logger: SuiteLogs.For<AnomalyDetector>());
        var events = new List<AnomalyDetectedEventArgs>();
        detector.AnomalyDetected += (_, e) => events.Add(e);
        var memory = detector.MemoryBytes;

        // The owner signs in and refreshes on; the thief copied the first pair and replays its refresh token from elsewhere.
        var stolen = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = ownerContext });
        var second = (await manager.RefreshAsync(stolen.RefreshToken, ownerContext, default)).Tokens!;
        time.Advance(TimeSpan.FromMinutes(1));
        (await manager.RefreshAsync(second.RefreshToken, ownerContext, default)).Status.Should().Be(RefreshStatus.Rotated);
        var replay = await manager.RefreshAsync(stolen.RefreshToken, thiefContext, default);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
        detector.RecordRefresh(Thief, replay).Should().Be(AnomalyKind.TokenTheft);
        detector.IsBlocked(Thief).Should().BeFalse("the replaying key may be the victim's: theft blocks nobody by default");

        // The thief goes on with the stolen access token, whose session the replay revoked, behind the blocking middleware.
        var headers = Enumerable.Repeat("Bearer " + stolen.AccessToken, Requests).ToArray();
        manager.ValidateAuthorizationHeader(headers[0]).Error.Should().Be(TokenValidationError.Revoked);
        WarmUp(manager, time, headers);
        var (rejected, allocated) = ValidateAndRecord(manager, detector, Thief, headers, blocking: true);

        rejected.Should().Be(options.BruteForceThreshold, "the validator refuses them until the brute-force block; the block answers the rest");
        allocated.Should().Be(0, "neither a rejected request nor a blocked one allocates on the validator and detector path");
        events.Select(e => (e.Kind, e.Signal, e.Count)).Should().Equal(
            (AnomalyKind.TokenTheft, AnomalySignal.RefreshTokenReuse, 1),
            (AnomalyKind.BruteForce, AnomalySignal.ForgedAccessToken, options.BruteForceThreshold));
        events.Should().OnlyContain(e => e.ClientKey == Thief);
        events[1].BlockedUntil.Should().Be(time.GetUtcNow() + options.BruteForceBlockDuration);
        detector.IsBlocked(Thief, out var retryAfter).Should().BeTrue();
        retryAfter.Should().Be(options.BruteForceBlockDuration);
        detector.IsBlocked(Owner).Should().BeFalse();
        detector.MemoryBytes.Should().Be(memory);
    }

    private static JwtSessions.Sessions.SessionManager Manager(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, SigningKey accessKey) => new(
        new JwtSessions.Sessions.SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(accessKey),
            RefreshTokenKeys = KeyRing.Create(SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(32), JwtAlgorithm.HS256, "refresh-1")),
        },
        timeProvider: time,
        logger: SuiteLogs.For<JwtSessions.Sessions.SessionManager>());

    /// <summary>
    /// Runs the measured loop's path many times first, on a detector that blocks nothing: tiered compilation (on-stack
    /// replacement of the loop, then the optimized code) allocates on the running thread the first thousands of times
    /// through, which is the JIT's cost, not the validator's or the detector's.
    /// </summary>
    private static void WarmUp(JwtSessions.Sessions.SessionManager manager, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, string[] headers)
    {
        var options = new AnomalyDetectorOptions { BruteForceBlockDuration = TimeSpan.Zero, FloodBlockDuration = TimeSpan.Zero };
        var detector = new AnomalyDetector(options, time, logger: SuiteLogs.For<AnomalyDetector>());
        for (var round = 0; round < 50; round++)
        {
            ValidateAndRecord(manager, detector, "warm-up", headers, blocking: round % 2 == 0);
        }
    }

    /// <summary>
    /// Each header through the validator, its rejection recorded against <paramref name="clientKey"/>; with
    /// <paramref name="blocking"/>, a blocked key is answered first, as the blocking middleware does. Returns the
    /// rejections and the bytes allocated outside the raising of an anomaly (which allocates its event).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // Compiled once, optimized: no on-stack replacement during a measured run.
    private static (int Rejected, long Allocated) ValidateAndRecord(
        JwtSessions.Sessions.SessionManager manager, AnomalyDetector detector, string clientKey, string[] headers, bool blocking = false)
    {
        var rejected = 0;
        long eventBytes = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var header in headers)
        {
            if (blocking && detector.IsBlocked(clientKey))
            {
                continue;
            }

            var error = manager.ValidateAuthorizationHeader(header).Error;
            rejected += error == TokenValidationError.None ? 0 : 1;
            var atRecord = GC.GetAllocatedBytesForCurrentThread();
            if (detector.RecordInvalidAccessToken(clientKey, error) != AnomalyKind.None)
            {
                eventBytes += GC.GetAllocatedBytesForCurrentThread() - atRecord;
            }
        }

        return (rejected, GC.GetAllocatedBytesForCurrentThread() - before - eventBytes);
    }

    private static int RejectGarbage(JwtSessions.Sessions.SessionManager manager, AnomalyDetector detector, char prefix, int count)
    {
        Span<char> key = stackalloc char[16];
        var flagged = 0;
        for (var i = 0; i < count; i++)
        {
            key[0] = prefix;
            i.TryFormat(key[1..], out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
            var error = manager.ValidateAuthorizationHeader(Garbage).Error;
            flagged += detector.RecordInvalidAccessToken(key[..(length + 1)], error) == AnomalyKind.None ? 0 : 1;
        }

        return flagged;
    }

    [Test]
    public void IsBlocked_MillionLookups_AllocatesNothing()
    {
        var detector = new AnomalyDetector(new AnomalyDetectorOptions(), TestClock.Create(), logger: SuiteLogs.For<AnomalyDetector>());
        detector.Block("203.0.113.9", TimeSpan.FromMinutes(1));

        // Warm-up: the first run of the loop is where tiered compilation allocates on this thread.
        LookUp(detector, Keys);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var blocked = LookUp(detector, Keys);

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
        blocked.Should().Be(Keys);
    }

    private static int LookUp(AnomalyDetector detector, int count)
    {
        Span<char> key = stackalloc char[16];
        var blocked = 0;
        for (var i = 0; i < count; i++)
        {
            i.TryFormat(key, out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
            blocked += detector.IsBlocked(key[..length], out _) ? 1 : 0;
            blocked += detector.IsBlocked("203.0.113.9") ? 1 : 0;
        }

        return blocked;
    }

    /// <summary>Records one <see cref="AnomalySignal.UnknownSession"/> for each of a million keys, moving the clock a window on every <paramref name="keysPerWindow"/>.</summary>
    private static (int Flagged, long Allocated) RecordDistinctKeys(AnomalyDetector detector, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, int keysPerWindow)
    {
        Span<char> key = stackalloc char[16];
        var flagged = 0;
        long eventBytes = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Keys; i++)
        {
            if (i > 0 && i % keysPerWindow == 0)
            {
                time.Advance(TimeSpan.FromMinutes(1));
            }

            key[0] = 'k';
            i.TryFormat(key[1..], out var length, provider: System.Globalization.CultureInfo.InvariantCulture);
            var atEvent = GC.GetAllocatedBytesForCurrentThread();
            if (detector.Record(key[..(length + 1)], AnomalySignal.UnknownSession) != AnomalyKind.None)
            {
                // A raised anomaly allocates its event (and the key's string): only quiet recordings must be free.
                flagged++;
                eventBytes += GC.GetAllocatedBytesForCurrentThread() - atEvent;
            }
        }

        return (flagged, GC.GetAllocatedBytesForCurrentThread() - before - eventBytes);
    }
}
