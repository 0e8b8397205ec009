using System.Security.Cryptography;
using JwtSessions.Internal;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Sessions;

/// <content>
/// Memory per session, measured as the managed-heap growth (<see cref="GC.GetTotalMemory(bool)"/> after a full collection)
/// for 100,000 sessions, the bare ones signed in through <see cref="SessionManager"/> with their tokens dropped. Run alone and
/// read the figures with:
/// <c>dotnet test --filter "FullyQualifiedName~InMemorySessionStoreTests.Memory" --logger "console;verbosity=detailed"</c>.
/// docs/sessions.md records the result.
/// </content>
public sealed partial class InMemorySessionStoreTests
{
    /// <summary>100,000 sessions, or <c>$JWTSESSIONS_MEMORY_SESSIONS</c> (docs/sessions.md measures a million that way).</summary>
    private static readonly int s_measuredSessions =
        int.TryParse(
            Environment.GetEnvironmentVariable("JWTSESSIONS_MEMORY_SESSIONS"),
            System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture,
            out var count) && count > 0 ? count : 100_000;

    /// <summary>The bound docs/sessions.md states: a million sessions without metadata in 300 MB.</summary>
    private const int MaxBytesPerBareSession = 300;

    [Test]
    [NonParallelizable]
    public async Task Memory_HundredThousandSessionsSignedInThroughTheManager_AtMostThreeHundredBytesEach()
    {
        using var store = CreateStore(maxSessions: s_measuredSessions + 16, sweepInterval: TimeSpan.FromDays(45));
        using var manager = new SessionManager(
            new SessionManagerOptions
            {
                Issuer = RawToken.Issuer,
                Audience = RawToken.Audience,
                AccessTokenKeys = KeyRing.Create(TestKeys.Hs256),
                RefreshTokenKeys = KeyRing.Create(TestKeys.Hs256),
            },
            store,
            _time, logger: SuiteLogs.For<SessionManager>());

        // The manager's first sign-in sets up what every later one reuses (signers, buffers): not the store's cost.
        await manager.StartSessionAsync("warm-up");
        var before = GC.GetTotalMemory(forceFullCollection: true);

        // Four sessions per subject, each sign-in with its own subject string (as a request would bring), tokens dropped.
        for (var i = 0; i < s_measuredSessions; i++)
        {
            await manager.StartSessionAsync(SubjectOf(i));
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(store);
        store.Count.Should().Be(s_measuredSessions + 1);
        var perSession = (after - before) / (double)s_measuredSessions;
        await TestContext.Out.WriteLineAsync($"InMemorySessionStore, signed in through SessionManager (no metadata): {perSession:F0} bytes per session over {s_measuredSessions:N0} sessions.");

        perSession.Should().BeLessThanOrEqualTo(MaxBytesPerBareSession);
    }

    [Test]
    [NonParallelizable]
    public async Task Memory_HundredThousandSessionsWithMetadata_UnderTwoKilobytesEach()
    {
        var perSession = await MeasureAsync(
            static (i, _) => new SessionMetadata
            {
                DeviceName = "Phone " + i,
                UserAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36 #" + i,
                IpAddress = "203.0.113." + (i % 256),
            },
            "with metadata (device name, ~130-char User-Agent, IPv4; each a distinct string)");

        perSession.Should().BeLessThan(2048);
    }

    /// <summary>The subject of the <paramref name="i"/>th session: one per four sessions, a new string each time.</summary>
    private static string SubjectOf(int i) => "user-" + (i / 4).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates the sessions the way <see cref="SessionManager"/> does (22-character random ids, one subject per 4 sessions,
    /// distinct strings) and returns the heap growth per session, the strings and records themselves included.
    /// </summary>
    private async Task<double> MeasureAsync(Func<int, string, SessionMetadata> metadata, string label)
    {
        using var store = CreateStore(sweepInterval: TimeSpan.FromDays(45));
        var now = _time.GetUtcNow();
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < s_measuredSessions; i++)
        {
            var subject = SubjectOf(i);
            await store.CreateAsync(new SessionRecord
            {
                SessionId = Base64UrlStrict.Encode(RandomNumberGenerator.GetBytes(16)),
                Subject = subject,
                CreatedAt = now,
                AbsoluteExpiresAt = now + TimeSpan.FromDays(30),
                IdleExpiresAt = now + TimeSpan.FromDays(14),
                RotatedAt = now,
                Metadata = metadata(i, subject),
            });
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(store);
        store.Count.Should().Be(s_measuredSessions);
        var perSession = (after - before) / (double)s_measuredSessions;
        await TestContext.Out.WriteLineAsync($"InMemorySessionStore, {label}: {perSession:F0} bytes per session over {s_measuredSessions:N0} sessions.");
        return perSession;
    }
}
