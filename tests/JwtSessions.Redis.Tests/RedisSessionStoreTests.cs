using JwtSessions.Redis.Internal;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>What the Redis store adds to the shared contract: exact rules, key lifetimes, layout, listing and the revocation log.</summary>
public sealed class RedisSessionStoreTests
{
    private static readonly TimeSpan s_idle = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_absolute = TimeSpan.FromDays(1);

    private TestResources _resources = new();
    private FakeTimeProvider _time = new(TestManagers.Start);
    private string _prefix = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _resources = new TestResources();
        _time = new FakeTimeProvider(TestManagers.Start);
        _prefix = _resources.NewPrefix(RedisTestEnvironment.Address);
    }

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    [Test]
    public async Task TryRotate_EveryBoundaryAtTickPrecision_MatchesSessionRules()
    {
        var store = await StoreAsync();

        // Sub-millisecond deadlines: the script must compare ticks, not milliseconds, to agree with SessionRules.
        var t0 = _time.GetUtcNow() + TimeSpan.FromTicks(1_234);
        var shapes = new (TimeSpan Idle, TimeSpan Absolute)[]
        {
            (TimeSpan.FromHours(1) + TimeSpan.FromTicks(5_678), TimeSpan.FromDays(1) + TimeSpan.FromTicks(9_999)),
            (TimeSpan.FromHours(2), TimeSpan.FromHours(1) + TimeSpan.FromTicks(1)), // idle deadline after the absolute one
            (TimeSpan.FromHours(1), TimeSpan.FromHours(1)),
        };
        var idleTimeouts = new[] { TimeSpan.FromMinutes(30), TimeSpan.FromDays(2), TimeSpan.FromTicks(1), TimeSpan.Zero };
        var checkedCases = 0;
        foreach (var (idle, absolute) in shapes)
        {
            foreach (var revoked in new[] { false, true })
            {
                var template = new SessionRecord
                {
                    SessionId = "template",
                    Subject = "alice",
                    CreatedAt = t0,
                    IdleExpiresAt = t0 + idle,
                    AbsoluteExpiresAt = t0 + absolute,
                    Generation = 5,
                    RotatedAt = t0,
                    RevokedAt = revoked ? t0 + TimeSpan.FromTicks(3) : null,
                    RevocationReason = revoked ? SessionEndReason.Logout : null,
                };
                var deadlines = new[] { template.IdleExpiresAt, template.AbsoluteExpiresAt, template.ExpiresAt };
                var nows = deadlines
                    .SelectMany(static d => new[] { -10_000L, -9_999L, -1L, 0L, 1L, 9_999L }.Select(delta => d + TimeSpan.FromTicks(delta)))
                    .Append(t0)
                    .Distinct();
                foreach (var now in nows)
                {
                    foreach (var generation in new long[] { 5, 4, 6 })
                    {
                        foreach (var idleTimeout in idleTimeouts)
                        {
                            var record = template with { SessionId = Guid.NewGuid().ToString("N") };
                            await store.CreateAsync(record);

                            var outcome = await store.TryRotateAsync(record.SessionId, generation, now, idleTimeout);

                            var status = SessionRules.Classify(record, generation, now);
                            var expected = status == RotationStatus.Rotated ? SessionRules.Advance(record, now, idleTimeout) : record;
                            outcome.Status.Should().Be(status, "now={0:O} generation={1} idleTimeout={2} record={3}", now, generation, idleTimeout, record);
                            outcome.Session.Should().Be(expected);
                            (await store.GetAsync(record.SessionId)).Should().Be(expected);
                            checkedCases++;
                        }
                    }
                }
            }
        }

        checkedCases.Should().BeGreaterThan(300);
    }

    [Test]
    public async Task TryRotate_UnknownSession_ReturnsNotFound()
    {
        var store = await StoreAsync();

        var outcome = await store.TryRotateAsync("missing", 0, _time.GetUtcNow(), s_idle);

        outcome.Should().Be(new RotationOutcome(RotationStatus.NotFound, null));
    }

    [Test]
    public async Task TryRotate_ManyConcurrentCallersOnTwoConnections_AdvanceOnce()
    {
        var first = await StoreAsync();
        var second = await StoreAsync();
        var session = NewSession("alice");
        await first.CreateAsync(session);
        var now = _time.GetUtcNow();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 64).Select(i =>
            (i % 2 == 0 ? first : second).TryRotateAsync(session.SessionId, 0, now, s_idle).AsTask()));

        outcomes.Count(static o => o.Status == RotationStatus.Rotated).Should().Be(1);
        outcomes.Count(static o => o.Status == RotationStatus.GenerationMismatch).Should().Be(63);
        outcomes.Should().OnlyContain(static o => o.Session!.Generation == 1);
        (await first.GetAsync(session.SessionId))!.Generation.Should().Be(1);
    }

    [Test]
    public async Task Keys_AfterCreateRotateRevoke_EveryKeyExpiresNoLaterThanItsDeadline()
    {
        var store = await StoreAsync(o => o.RevocationRetention = TimeSpan.FromMinutes(10));
        var database = await DatabaseAsync();
        var kept = NewSession("alice");
        var revoked = NewSession("alice");
        await store.CreateAsync(kept);
        await store.CreateAsync(revoked);

        (await PttlAsync(database, Keys.Session(kept.SessionId))).Should().BeInRange(1, Ms(s_idle));
        (await PttlAsync(database, Keys.Subject("alice"))).Should().BeInRange(Ms(s_idle) + 1, Ms(s_absolute));

        _time.Advance(TimeSpan.FromMinutes(30));
        var now = _time.GetUtcNow();
        var rotated = await store.TryRotateAsync(kept.SessionId, 0, now, s_idle);
        rotated.Status.Should().Be(RotationStatus.Rotated);
        (await PttlAsync(database, Keys.Session(kept.SessionId))).Should().BeInRange(Ms(s_idle) - 5_000, Ms(rotated.Session!.ExpiresAt - now));

        var tombstone = await store.RevokeAsync(revoked.SessionId, now, SessionEndReason.Logout);
        (await PttlAsync(database, Keys.Session(revoked.SessionId))).Should().BeInRange(1, Ms(tombstone!.ExpiresAt - now));
        (await PttlAsync(database, Keys.RevocationLog(RedisKeys.ShardOf(revoked.SessionId)))).Should().BeInRange(1, Ms(TimeSpan.FromMinutes(10)));
        (await PttlAsync(database, Keys.RevocationRetention(RedisKeys.ShardOf(revoked.SessionId)))).Should().BeInRange(1, Ms(TimeSpan.FromMinutes(10)));
        (await PttlAsync(database, Keys.Tombstones)).Should().BeInRange(1, Ms(new RedisSessionStoreOptions().TombstoneRetention));

        // Nothing under the prefix lives forever (the test may scan; the store never does).
        var keys = await RedisTestEnvironment.KeysAsync(database.Multiplexer, _prefix);
        keys.Should().HaveCount(6, "two session hashes, the subject index, the revocation log's shard and its retention, and the tombstone set");
        foreach (var key in keys)
        {
            (await database.ExecuteAsync("PTTL", key)).ToString().Should().NotBe("-1", "key {0} must expire", key);
        }
    }

    [Test]
    public async Task Create_SessionAlreadyPastItsDeadline_KeyStillExpires()
    {
        var store = await StoreAsync();
        var database = await DatabaseAsync();
        var session = NewSession("alice") with { IdleExpiresAt = _time.GetUtcNow() - TimeSpan.FromSeconds(1) };

        await store.CreateAsync(session);

        (await PttlAsync(database, Keys.Session(session.SessionId))).Should().BeInRange(1, RedisSessionStore.TtlFloorMilliseconds);
    }

    [Test]
    public async Task Create_ExistingId_ThrowsAndKeepsTheFirst()
    {
        var store = await StoreAsync();
        var session = NewSession("alice");
        await store.CreateAsync(session);

        var again = async () => await store.CreateAsync(session with { Subject = "mallory" });

        await again.Should().ThrowAsync<InvalidOperationException>();
        (await store.GetAsync(session.SessionId)).Should().Be(session);
    }

    [Test]
    public async Task Get_SessionWithMetadataScopeAndClient_RoundTrips()
    {
        var store = await StoreAsync();
        var session = NewSession("alice") with
        {
            Scope = "read write",
            ClientId = "mobile-app",
            Metadata = new SessionMetadata
            {
                DeviceName = "Alice's phone",
                UserAgent = "Mozilla/5.0 \"quoted\" \u00e9",
                IpAddress = "2001:db8::1",
                Custom = new Dictionary<string, string> { ["tenant"] = "t-1", ["json"] = "{\"a\":1}" },
            },
        };

        await store.CreateAsync(session);
        var read = await store.GetAsync(session.SessionId);

        read.Should().BeEquivalentTo(session);
        read!.Metadata.Custom.Should().BeEquivalentTo(session.Metadata.Custom);
    }

    [Test]
    public async Task Revoke_Twice_KeepsTheFirstRevocation()
    {
        var store = await StoreAsync();
        var session = NewSession("alice");
        await store.CreateAsync(session);
        var first = _time.GetUtcNow();

        var revoked = await store.RevokeAsync(session.SessionId, first, SessionEndReason.Logout);
        var again = await store.RevokeAsync(session.SessionId, first + TimeSpan.FromMinutes(1), SessionEndReason.Administrative);

        revoked!.RevokedAt.Should().Be(first);
        again.Should().Be(revoked);
        (await store.RevokeAsync("missing", first, SessionEndReason.Logout)).Should().BeNull();
    }

    [Test]
    public async Task List_MixedSessions_ReturnsActiveOldestFirstAndPrunesTheIndex()
    {
        var store = await StoreAsync();
        var database = await DatabaseAsync();
        var shortLived = NewSession("alice", idle: TimeSpan.FromMinutes(10));
        await store.CreateAsync(shortLived);
        _time.Advance(TimeSpan.FromSeconds(1));
        var revoked = NewSession("alice");
        await store.CreateAsync(revoked);
        _time.Advance(TimeSpan.FromSeconds(1));
        var newest = NewSession("alice");
        await store.CreateAsync(newest);
        _time.Advance(TimeSpan.FromSeconds(1));
        var oldestActive = NewSession("alice") with { CreatedAt = TestManagers.Start - TimeSpan.FromMinutes(1) };
        await store.CreateAsync(oldestActive);
        await store.CreateAsync(NewSession("bob"));
        await store.RevokeAsync(revoked.SessionId, _time.GetUtcNow(), SessionEndReason.Logout);
        _time.Advance(TimeSpan.FromMinutes(15));

        var listed = await store.ListAsync("alice", _time.GetUtcNow());

        listed.Select(static s => s.SessionId).Should().Equal(oldestActive.SessionId, newest.SessionId);

        // The revoked entry is gone; the expired one stays indexed while its hash lives (a rotation read just before its
        // deadline could still land), and goes once the hash has expired, which its TTL does on the real clock.
        (await database.SortedSetLengthAsync(Keys.Subject("alice"))).Should().Be(3);
        await database.KeyDeleteAsync(Keys.Session(shortLived.SessionId));
        (await store.ListAsync("alice", _time.GetUtcNow())).Select(static s => s.SessionId).Should().Equal(oldestActive.SessionId, newest.SessionId);
        (await database.SortedSetLengthAsync(Keys.Subject("alice"))).Should().Be(2);
        (await store.ListAsync("nobody", _time.GetUtcNow())).Should().BeEmpty();
    }

    [Test]
    public async Task Create_SubjectWithDeadSessions_PrunesTheOldestIndexEntries()
    {
        var store = await StoreAsync();
        var database = await DatabaseAsync();
        for (var i = 0; i < 5; i++)
        {
            var dead = NewSession("alice");
            await store.CreateAsync(dead);
            await store.RevokeAsync(dead.SessionId, _time.GetUtcNow(), SessionEndReason.Logout);
        }

        await store.CreateAsync(NewSession("alice"));

        (await database.SortedSetLengthAsync(Keys.Subject("alice"))).Should().Be(1);
    }

    [Test]
    public async Task Revoke_OlderThanRetentionOnTheServerClock_IsTrimmedFromTheRevocationLog()
    {
        var store = await StoreAsync(o => o.RevocationRetention = TimeSpan.FromMinutes(10));
        var database = await DatabaseAsync();
        var serverMs = await RedisTestEnvironment.ServerTimeMsAsync(database);
        var recent = NewSession("alice");
        var shard = Keys.RevocationLog(RedisKeys.ShardOf(recent.SessionId));
        await database.SortedSetAddAsync(shard, "stale", serverMs - (long)TimeSpan.FromMinutes(11).TotalMilliseconds);
        await database.SortedSetAddAsync(shard, "within", serverMs - (long)TimeSpan.FromMinutes(9).TotalMilliseconds);
        await store.CreateAsync(recent);

        await store.RevokeAsync(recent.SessionId, _time.GetUtcNow(), SessionEndReason.Logout);

        var log = (await database.SortedSetRangeByRankAsync(shard)).Select(static m => m.ToString()).ToList();
        log.Should().HaveCount(2).And.Contain("within").And.NotContain("stale");
        log.Should().ContainSingle(static m => m.StartsWith('{')).Which.Should().Contain(recent.SessionId);
    }

    [Test]
    public async Task Revoke_ByStoresWhoseClocksDiffer_TrimsByTheServerClockOnly()
    {
        var behind = await StoreAsync(o => o.RevocationRetention = TimeSpan.FromMinutes(10));
        var aheadTime = new FakeTimeProvider(_time.GetUtcNow() + TimeSpan.FromDays(1));
        var ahead = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, aheadTime, o => o.RevocationRetention = TimeSpan.FromMinutes(10));
        var database = await DatabaseAsync();
        var first = NewSession("alice");
        var second = NewSession("bob");
        await behind.CreateAsync(first);
        await ahead.CreateAsync(second);

        // The first revocation is a day older by its revoker's clock than the second by its own: trimming by either clock
        // would drop it, though both happened within a second on the server.
        await behind.RevokeAsync(first.SessionId, _time.GetUtcNow(), SessionEndReason.Logout);
        await ahead.RevokeAsync(second.SessionId, aheadTime.GetUtcNow(), SessionEndReason.Logout);

        var log = await LogAsync(database);
        log.Should().HaveCount(2);
        log.Should().Contain(m => m.Contains(first.SessionId)).And.Contain(m => m.Contains(second.SessionId));

        // A third server, its clock between the two, catches up on both.
        var seen = new List<string>();
        var reader = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, new FakeTimeProvider(_time.GetUtcNow() + TimeSpan.FromHours(12)));
        using var feed = reader.SubscribeToRevocations(r =>
        {
            lock (seen)
            {
                seen.Add(r.SessionId);
            }
        });
        await Eventually.HoldsAsync(() => reader.IsRevocationFeedAvailable, "the feed to read the log");
        lock (seen)
        {
            seen.Should().BeEquivalentTo([first.SessionId, second.SessionId]);
        }
    }

    [Test]
    public async Task Revoke_ByAStoreWithAShorterRetention_KeepsTheLongestRetentionOfTheDeployment()
    {
        var longer = await StoreAsync(o => o.RevocationRetention = TimeSpan.FromHours(1));
        var shorter = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, _time, o => o.RevocationRetention = TimeSpan.FromMinutes(10));
        var database = await DatabaseAsync();
        var first = NewSession("alice");
        var second = NewSessionInShardOf(first, "alice");
        await longer.CreateAsync(first);
        await longer.CreateAsync(second);
        await longer.RevokeAsync(first.SessionId, _time.GetUtcNow(), SessionEndReason.Logout);
        var serverMs = await RedisTestEnvironment.ServerTimeMsAsync(database);
        var shard = Keys.RevocationLog(RedisKeys.ShardOf(first.SessionId));
        await database.SortedSetAddAsync(shard, "half-an-hour-ago", serverMs - (long)TimeSpan.FromMinutes(30).TotalMilliseconds);

        await shorter.RevokeAsync(second.SessionId, _time.GetUtcNow(), SessionEndReason.Logout);

        var log = (await database.SortedSetRangeByRankAsync(shard)).Select(static m => m.ToString()).ToList();
        log.Should().HaveCount(3, "the log keeps the hour another store needs").And.Contain("half-an-hour-ago");
    }

    [Test]
    public async Task Operations_OnTheirOwnServer_UseEvalshaAndNeverScanTheKeyspace()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var store = await RedisTestEnvironment.ConnectStoreAsync(redis.Address, RedisTestEnvironment.NewPrefix(), _time);
        for (var i = 0; i < 20; i++)
        {
            var session = NewSession(i % 2 == 0 ? "alice" : "bob");
            await store.CreateAsync(session);
            await store.TryRotateAsync(session.SessionId, 0, _time.GetUtcNow(), s_idle);
            await store.ListAsync("alice", _time.GetUtcNow());
        }

        await store.RevokeAsync((await store.ListAsync("bob", _time.GetUtcNow()))[0].SessionId, _time.GetUtcNow(), SessionEndReason.Logout);

        var inspection = RedisTestEnvironment.Configuration(redis.Address);
        inspection.AllowAdmin = true;
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(inspection);
        var stats = (await inspector.GetServers()[0].InfoAsync("commandstats")).SelectMany(static g => g).ToDictionary(static p => p.Key, static p => p.Value);
        stats.Keys.Should().NotContain(new[] { "cmdstat_scan", "cmdstat_keys" });
        stats.Should().ContainKey("cmdstat_evalsha");
        // 63 script calls (a sign-in is two, a revocation three): the first call of each of the six scripts is an EVAL (with
        // SCRIPT LOAD), every other one EVALSHA.
        Calls(stats["cmdstat_evalsha"]).Should().BeGreaterThanOrEqualTo(57);
        // On Garnet the store first runs its script-isolation check, a warm-up script and the probe: two EVALs more
        // (docs/redis.md, "Supported servers").
        var probes = redis.Kind.IsGarnet ? 2 : 0;
        Calls(stats.GetValueOrDefault("cmdstat_eval", "calls=0")).Should().BeLessThanOrEqualTo(6 + probes, "each script is sent in full once at most");
    }

    private static long Calls(string stat)
        => long.Parse(stat.Split(',')[0].Split('=')[1], System.Globalization.CultureInfo.InvariantCulture);

    private static long Ms(TimeSpan span) => (long)Math.Ceiling(span.TotalMilliseconds);

    private RedisKeys Keys => new(_prefix);

    private static async Task<long> PttlAsync(IDatabase database, RedisKey key)
        => (long)await database.ExecuteAsync("PTTL", key);

    private async Task<IDatabase> DatabaseAsync()
        => _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address))).GetDatabase();

    private Task<RedisSessionStore> StoreAsync(Action<RedisSessionStoreOptions>? configure = null)
        => _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, _time, configure);

    /// <summary>A new session whose revocation goes to the same log shard as <paramref name="other"/>'s.</summary>
    private SessionRecord NewSessionInShardOf(SessionRecord other, string subject)
    {
        while (true)
        {
            var session = NewSession(subject);
            if (RedisKeys.ShardOf(session.SessionId) == RedisKeys.ShardOf(other.SessionId))
            {
                return session;
            }
        }
    }

    /// <summary>Every entry of every shard of the revocation log.</summary>
    private async Task<List<string>> LogAsync(IDatabase database)
    {
        var log = new List<string>();
        foreach (var shard in Keys.RevocationLogs)
        {
            log.AddRange((await database.SortedSetRangeByRankAsync(shard)).Select(static m => m.ToString()));
        }

        return log;
    }

    private SessionRecord NewSession(string subject, TimeSpan? idle = null)
    {
        var now = _time.GetUtcNow();
        return new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = subject,
            CreatedAt = now,
            AbsoluteExpiresAt = now + s_absolute,
            IdleExpiresAt = now + (idle ?? s_idle),
            RotatedAt = now,
        };
    }
}
