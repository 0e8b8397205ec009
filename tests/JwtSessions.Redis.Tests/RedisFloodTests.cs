using JwtSessions.Redis.Internal;
using System.Diagnostics;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// Session resources under a flood, on a real Redis through the public API (fake clock): keys and memory stay bounded by
/// the per-subject cap plus the tombstone bound, revoked hashes get short TTLs and leave their subject's index, and "log out
/// everywhere" costs a bounded number of round trips. docs/redis.md ("Bounds under a flood") quotes the figures printed here.
/// </summary>
[NonParallelizable]
public sealed class RedisFloodTests
{
    /// <summary>Sign-ins in flight at once: the store pipelines them on one connection.</summary>
    private const int Batch = 32;

    private TestResources _resources = new();
    private TestManagers _fleet = new();
    private string _prefix = string.Empty;

    [SetUp]
    public void SetUp()
    {
        _resources = new TestResources();
        _fleet = new TestManagers();
        _prefix = _resources.NewPrefix(RedisTestEnvironment.Address);
    }

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    /// <summary>
    /// A hundred thousand sign-ins of one subject, 32 at a time with the clock a second on after each batch, and one of
    /// another subject per batch: the keys under the prefix never exceed both subjects' caps plus the tombstone bound plus the
    /// fixed keys (two indexes, the tombstone set, each revocation-log shard and its retention), their memory (but for the revocation log) stays flat, and only the newest batch's sessions are left.
    /// </summary>
    [TestCase(3)]
    [TestCase(SessionPolicy.DefaultMaxSessionsPerSubject)]
    public async Task Flood_HundredThousandSignInsOfOneSubject_KeysAndMemoryStayBounded(int cap)
    {
        const int FloodSize = 100_000;
        const int MaxTombstones = 2_000;
        var store = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, _fleet.Time, o =>
        {
            o.MaxTombstones = MaxTombstones;
            o.RevocationRetention = TimeSpan.FromMinutes(10);
        });
        using var manager = Manager(store, cap);
        var database = await DatabaseAsync();
        var keyBound = (2 * cap) + MaxTombstones + 3 + (2 * RedisKeys.RevocationShards);

        var firstBatch = new List<SessionTokens>();
        var recentBatches = new Queue<SessionTokens[]>();
        var batchesLeft = (cap + Batch - 1) / Batch;
        long steadyMemory = 0;
        var started = Stopwatch.GetTimestamp();
        for (var done = 0; done < FloodSize; done += Batch)
        {
            var flood = await Task.WhenAll(Enumerable.Range(0, Batch).Select(_ => manager.StartSessionAsync("mallory").AsTask()));
            var alice = await manager.StartSessionAsync("alice");
            if (done == 0)
            {
                firstBatch.AddRange(flood);
            }

            recentBatches.Enqueue(flood);
            if (recentBatches.Count > batchesLeft)
            {
                recentBatches.Dequeue();
            }

            if ((done / Batch) % 625 == 624)
            {
                // Every 20,000 sign-ins: the test may scan the prefix; the store never does.
                manager.ValidateAccessToken(alice.AccessToken).IsValid.Should().BeTrue();
                var (keys, bytes, tombstones) = await FootprintAsync(database);
                keys.Should().BeLessThanOrEqualTo(keyBound, "after {0} sign-ins", done + Batch);
                tombstones.Should().BeLessThanOrEqualTo(MaxTombstones);
                (await database.SortedSetLengthAsync(new RedisKeys(_prefix).Subject("mallory"))).Should().BeLessThanOrEqualTo(cap);
                steadyMemory = steadyMemory == 0 ? bytes : steadyMemory;
                bytes.Should().BeLessThan(steadyMemory + (4 * 1024 * 1024), "the footprint must not grow with the flood");
                TestContext.Out.WriteLine(
                    $"cap {cap}: {done + Batch:N0} sign-ins, {keys:N0} keys ({tombstones:N0} tombstones), {bytes / 1024.0:N0} KiB (MEMORY USAGE), "
                    + $"{Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            }

            _fleet.Time.Advance(TimeSpan.FromSeconds(1));
        }

        // The newest sessions are left: all within the last batches that hold the cap, every whole batch among them in full
        // (a batch shares one creation instant, so which of the oldest such batch stay is arbitrary); every earlier one is revoked.
        var left = (await manager.ListSessionsAsync("mallory")).Select(s => s.SessionId).ToList();
        left.Should().HaveCount(cap).And.BeSubsetOf(recentBatches.SelectMany(b => b).Select(t => t.SessionId));
        var wholeBatchesLeft = recentBatches.Reverse().Take(cap / Batch).SelectMany(b => b).Select(t => t.SessionId).ToList();
        left.Should().HaveCount(cap).And.Subject.Intersect(wholeBatchesLeft).Should().HaveCount(wholeBatchesLeft.Count);
        foreach (var tokens in firstBatch)
        {
            (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().BeOneOf(RefreshStatus.SessionRevoked, RefreshStatus.UnknownSession);
        }
    }

    /// <summary>
    /// The case: cap 2, 2,000 sign-ins. Before, 2,001 keys each revoked hash with a TTL of about 14 days. Now each
    /// revoked hash lives at most the tombstone retention, leaves the subject's index, and keeps no metadata.
    /// </summary>
    [Test]
    public async Task Flood_CapTwoTwoThousandSignIns_RevokedHashesGetShortTtlsAndLeaveTheIndex()
    {
        var retention = TimeSpan.FromMinutes(2);
        var store = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, _fleet.Time, o => o.TombstoneRetention = retention);
        using var manager = Manager(store, 2);
        var database = await DatabaseAsync();
        var ids = new List<string>();
        for (var i = 0; i < 2_000; i += Batch)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, Math.Min(Batch, 2_000 - i)).Select(_ => manager.StartSessionAsync(
                "mallory", new SessionStartOptions { Metadata = new SessionMetadata { UserAgent = new string('u', 200) } }).AsTask()));
            ids.AddRange(batch.Select(t => t.SessionId));
            _fleet.Time.Advance(TimeSpan.FromSeconds(1));
        }

        (await database.SortedSetLengthAsync(new RedisKeys(_prefix).Subject("mallory"))).Should().Be(2);
        var revoked = 0;
        foreach (var id in ids)
        {
            var hash = await database.HashGetAllAsync(new RedisKeys(_prefix).Session(id));
            if (hash.Any(static e => e.Name == "rev"))
            {
                revoked++;
                ((long)await database.ExecuteAsync("PTTL", (RedisKey)(new RedisKeys(_prefix).Session(id)))).Should().BeInRange(1, (long)retention.TotalMilliseconds);
                hash.Should().NotContain(static e => e.Name == "meta", "a tombstone keeps no metadata");
            }
        }

        revoked.Should().Be(1_998);
    }

    /// <summary>
    /// "Log out everywhere" at the default cap and at the largest cap a policy may set: every session revoked, the time
    /// printed (not asserted: the machine is shared). The revocations are pipelined, not one round trip each.
    /// </summary>
    [TestCase(SessionPolicy.DefaultMaxSessionsPerSubject)]
    [TestCase(SessionPolicy.MaxSessionsPerSubjectLimit)]
    public async Task RevokeAll_SubjectAtItsCap_RevokesEverySession(int cap)
    {
        var store = await _resources.StoreAsync(RedisTestEnvironment.Address, _prefix, _fleet.Time);
        using var manager = Manager(store, cap);
        var sample = new List<SessionTokens>();
        for (var i = 0; i < cap; i += Batch)
        {
            var batch = await Task.WhenAll(Enumerable.Range(0, Math.Min(Batch, cap - i)).Select(_ => manager.StartSessionAsync("alice").AsTask()));
            sample.Add(batch[0]);
        }

        var started = Stopwatch.GetTimestamp();
        var revoked = await manager.RevokeAllAsync("alice");
        var elapsed = Stopwatch.GetElapsedTime(started);

        TestContext.Out.WriteLine($"RevokeAllAsync of {cap:N0} sessions on Redis: {elapsed.TotalMilliseconds:F0} ms");
        revoked.Should().Be(cap);
        (await manager.ListSessionsAsync("alice")).Should().BeEmpty();
        foreach (var tokens in sample)
        {
            manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        }
    }

    private SessionManager Manager(RedisSessionStore store, int cap)
        => new(
            new SessionManagerOptions
            {
                Issuer = TestManagers.Issuer,
                Audience = TestManagers.Audience,
                AccessTokenKeys = _fleet.AccessKeys,
                RefreshTokenKeys = _fleet.RefreshKeys,
                Policy = SessionPolicy.Default with { MaxSessionsPerSubject = cap },
            },
            store, timeProvider: _fleet.Time);

    /// <summary>The keys under the prefix, the sum of their MEMORY USAGE, and how many hashes are tombstones.</summary>
    private async Task<(int Keys, long Bytes, int Tombstones)> FootprintAsync(IDatabase database)
    {
        var keys = await RedisTestEnvironment.KeysAsync(database.Multiplexer, _prefix);

        // The revocation log is left out: it is scored and trimmed on the Redis server's clock, so within the test's few real
        // seconds it keeps every revocation of the flood (its bound is the revocation rate times the retention, docs/redis.md).
        var usage = await Task.WhenAll(keys.Where(k => !IsRevocationLog(k)).Select(k => database.ExecuteAsync("MEMORY", "USAGE", k)));
        var hashes = keys.Where(k => k.ToString().StartsWith(_prefix + "s:", StringComparison.Ordinal));
        var revoked = await Task.WhenAll(hashes.Select(k => database.HashExistsAsync(k, "rev")));
        var bytes = usage.Sum(static u => u.IsNull ? 0L : (long)u);
        var tombstones = revoked.Count(static r => r);
        return (keys.Count, bytes, tombstones);
    }

    private bool IsRevocationLog(RedisKey key) => key.ToString().StartsWith(_prefix + "revocations", StringComparison.Ordinal);

    private async Task<IDatabase> DatabaseAsync()
        => _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(RedisTestEnvironment.Address))).GetDatabase();
}
