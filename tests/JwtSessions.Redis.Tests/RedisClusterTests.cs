using JwtSessions.Redis.Internal;
using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using JwtSessions.Validation;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// What a cluster adds: sessions spread over every primary, and two servers (two connections, two managers) sharing sessions
/// whose keys live on different primaries: rotation, reuse detection, revocation push, "log out everywhere" and the cap.
/// </summary>
public sealed class RedisClusterTests
{
    private static readonly TimeSpan s_pubSubBound = TimeSpan.FromSeconds(5);

    private TestResources _resources = new();
    private TestManagers _fleet = new();
    private string _address = string.Empty;
    private string _prefix = string.Empty;

    [SetUp]
    public async Task SetUpAsync()
    {
        _resources = new TestResources();
        _fleet = new TestManagers();
        _address = await RedisTestEnvironment.ClusterAddressAsync();
        _prefix = _resources.NewPrefix(_address);
    }

    [TearDown]
    public async Task TearDownAsync() => await _resources.DisposeAsync();

    [Test]
    public async Task StartSession_ManySubjects_SpreadsSessionsOverEveryPrimary()
    {
        var store = await _resources.StoreAsync(_address, _prefix, _fleet.Time);
        using var manager = _fleet.Create(store);
        const int Sessions = 300;
        for (var i = 0; i < Sessions; i++)
        {
            await manager.StartSessionAsync("user-" + i);
        }

        var connection = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(_address)));
        var perPrimary = new List<int>();
        foreach (var server in connection.GetServers().Where(static s => !s.IsReplica))
        {
            var count = 0;
            await foreach (var _ in server.KeysAsync(pattern: _prefix + "s:*", pageSize: 500))
            {
                count++;
            }

            perPrimary.Add(count);
        }

        TestContext.Progress.WriteLine($"{Sessions} sessions per primary: {string.Join(", ", perPrimary)}");
        perPrimary.Should().HaveCount(RedisClusterProcess.Primaries);
        perPrimary.Sum().Should().Be(Sessions);

        // Uniform over 16,384 slots split in three: each primary holds about a third; a fifth is far outside chance.
        perPrimary.Should().OnlyContain(n => n > Sessions / 5, "every primary holds its share of the sessions");
    }

    [Test]
    public async Task RevokeAll_OnOneServer_RevokesSessionsOnEveryPrimaryAndTheOtherServerRejectsThem()
    {
        var (a, b) = await TwoServersAsync();
        var tokens = new List<SessionTokens>();
        for (var i = 0; i < 12; i++)
        {
            tokens.Add(await (i % 2 == 0 ? a : b).StartSessionAsync("alice"));
        }

        var bob = await b.StartSessionAsync("bob");

        (await a.RevokeAllAsync("alice")).Should().Be(12);

        (await b.ListSessionsAsync("alice")).Should().BeEmpty();
        foreach (var t in tokens)
        {
            await Eventually.HoldsAsync(() => b.ValidateAccessToken(t.AccessToken).Error == TokenValidationError.Revoked, "the other server to reject every revoked session", s_pubSubBound);
            (await b.RefreshAsync(t.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
        }

        b.ValidateAccessToken(bob.AccessToken).IsValid.Should().BeTrue("another subject's session is untouched");
    }

    [Test]
    public async Task Refresh_SameTokenOnTwoServers_RotatesOnceAndAReplayIsDetected()
    {
        var (a, b) = await TwoServersAsync();
        var tokens = await a.StartSessionAsync("alice");

        var first = await a.RefreshAsync(tokens.RefreshToken);
        first.Status.Should().Be(RefreshStatus.Rotated);
        _fleet.Time.Advance(TimeSpan.FromMinutes(1));

        var replay = await b.RefreshAsync(tokens.RefreshToken);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
        await Eventually.HoldsAsync(() => a.ValidateAccessToken(first.Tokens!.AccessToken).Error == TokenValidationError.Revoked, "the first server to learn of the revocation", s_pubSubBound);
    }

    [Test]
    public async Task StartSession_OnTwoServersAtTheCap_NeverLeavesMoreThanTheCap()
    {
        var storeA = await _resources.StoreAsync(_address, _prefix, _fleet.Time);
        var storeB = await _resources.StoreAsync(_address, _prefix, _fleet.Time);
        var policy = SessionPolicy.Default with { MaxSessionsPerSubject = 3 };
        using var a = _fleet.Create(storeA, policy);
        using var b = _fleet.Create(storeB, policy);

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => (i % 2 == 0 ? a : b).StartSessionAsync("alice").AsTask()));

        (await a.ListSessionsAsync("alice")).Should().HaveCount(3);
        var connection = _resources.Add(await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(_address)));
        (await connection.GetDatabase().SortedSetLengthAsync(new RedisKeys(_prefix).Subject("alice"))).Should().Be(3);
    }

    private async Task<(SessionManager A, SessionManager B)> TwoServersAsync()
    {
        var storeA = await _resources.StoreAsync(_address, _prefix, _fleet.Time);
        var storeB = await _resources.StoreAsync(_address, _prefix, _fleet.Time);
        var a = _resources.Add(_fleet.Create(storeA));
        var b = _resources.Add(_fleet.Create(storeB));
        await Eventually.HoldsAsync(() => a.Revocations.IsAvailable && b.Revocations.IsAvailable, "both revocation feeds to be live");
        return (a, b);
    }
}
