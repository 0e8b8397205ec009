using System.Diagnostics.Metrics;
using JwtSessions.Remote;
using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Remote;

/// <summary>
/// Revocations reaching a resource server that does not share the issuer's store: the issuer's <see cref="RevocationLog"/>
/// served by a real Kestrel server on 127.0.0.1, polled by a <see cref="RevocationPoller"/>; time is fake.
/// </summary>
[NonParallelizable]
public sealed class RevocationPollerTests
{
    private static readonly TimeSpan s_retention = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30);

    private readonly List<IDisposable> _disposables = [];
    private FakeTimeProvider _time = null!;
    private InMemorySessionStore _store = null!;
    private SessionManager _manager = null!;
    private IssuerServer _issuer = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _time = TestClock.Create();
        _store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        _manager = new SessionManager(
            new SessionManagerOptions { Issuer = RawToken.Issuer, Audience = RawToken.Audience, AccessTokenKeys = KeyRing.Create(TestKeys.Es256) },
            _store,
            timeProvider: _time, logger: SuiteLogs.For<SessionManager>());
        _issuer = await IssuerServer.StartAsync();
        _issuer.Jwks = _manager.AccessTokenValidator.Keys.ToJwks();
        _issuer.Revocations = Track(new RevocationLog(_store, s_retention, _time));
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        _disposables.Clear();
        await _issuer.DisposeAsync();
        _manager.Dispose();
        _store.Dispose();
    }

    [Test]
    public async Task Poll_SessionRevokedAtTheIssuer_RejectedAtTheResourceServerWithinOnePollInterval()
    {
        var poller = await StartedPoller();
        var validator = await ResourceValidator(poller);
        var tokens = await _manager.StartSessionAsync("alice");
        validator.ValidateToken(tokens.AccessToken).IsValid.Should().BeTrue();

        await _manager.RevokeAsync(tokens.SessionId);
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromMilliseconds(1));
        validator.ValidateToken(tokens.AccessToken).IsValid.Should().BeTrue("no poll yet: this is the staleness the interval allows");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await Poll(poller)).Should().BeTrue();
        TestContext.Out.WriteLine($"one poll of the revocation endpoint on loopback took {watch.Elapsed.TotalMilliseconds:F1} ms");

        validator.ValidateToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked, "seen 5 s (one PollInterval) after the revocation");
        poller.Revocations.Contains(tokens.SessionId).Should().BeTrue();
    }

    [Test]
    public async Task Poll_NothingNew_AnsweredNotModified()
    {
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = meters.GetRequiredService<IMeterFactory>();
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "jwtsessions.revocations.polls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => outcomes.Add((string)tags[0].Value!));
        listener.Start();
        var poller = Track(new RevocationPoller(Options(), httpClient: null, _time, logger: SuiteLogs.For<RevocationPoller>(), factory));
        (await Poll(poller)).Should().BeTrue();

        (await poller.PollAsync()).Should().BeTrue();

        outcomes.Should().Equal("empty", "not_modified");
    }

    [Test]
    public async Task Poll_IssuerDown_ListUnavailableAfterMaxStalenessAndStrictValidatorsReject()
    {
        var poller = await StartedPoller();
        var validator = await ResourceValidator(poller, RevocationFailureMode.Reject);
        var tokens = await _manager.StartSessionAsync("alice");
        _issuer.RevocationsDown = true;

        for (var second = 1; second < 30; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await (poller.InFlight ?? Task.FromResult(true));
        }

        poller.Revocations.IsAvailable.Should().BeTrue("29 s after the last successful poll is within MaxStaleness");
        validator.ValidateToken(tokens.AccessToken).IsValid.Should().BeTrue();
        _time.Advance(TimeSpan.FromSeconds(1));
        await (poller.InFlight ?? Task.FromResult(true));
        poller.Revocations.IsAvailable.Should().BeFalse();
        validator.ValidateToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.RevocationUnavailable);

        _issuer.RevocationsDown = false;
        (await poller.PollAsync()).Should().BeTrue();
        poller.Revocations.IsAvailable.Should().BeTrue();
        validator.ValidateToken(tokens.AccessToken).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task Poll_MoreThanOnePage_ReadsEveryPageInOnePoll()
    {
        var poller = await StartedPoller();
        for (var i = 0; i < 2500; i++)
        {
            await _store.CreateAsync(SessionRecords.Create($"s-{i}", "alice", _time.GetUtcNow()));
            await _store.RevokeAsync($"s-{i}", _time.GetUtcNow(), SessionEndReason.Logout);
        }

        var requests = _issuer.RevocationRequests;
        (await poller.PollAsync()).Should().BeTrue();

        _issuer.RevocationRequests.Should().Be(requests + 3, "1,000 per page");
        poller.Revocations.Count.Should().Be(2500);
    }

    [Test]
    public async Task Poll_IssuerRestartedWithANewLog_CursorRefusedAndEverythingResent()
    {
        var poller = await StartedPoller();
        await _store.CreateAsync(SessionRecords.Create("s-1", "alice", _time.GetUtcNow()));
        await _store.RevokeAsync("s-1", _time.GetUtcNow(), SessionEndReason.Logout);
        (await poller.PollAsync()).Should().BeTrue();

        // Another instance behind the same URL: its log has other cursors, and the session the first one missed.
        _issuer.Revocations = Track(new RevocationLog(_store, s_retention, _time));
        await _store.CreateAsync(SessionRecords.Create("s-2", "alice", _time.GetUtcNow()));
        await _store.RevokeAsync("s-2", _time.GetUtcNow(), SessionEndReason.Logout);
        (await poller.PollAsync()).Should().BeTrue();

        poller.Revocations.Contains("s-1").Should().BeTrue();
        poller.Revocations.Contains("s-2").Should().BeTrue();
    }

    [TestCase("{\"cursor\":\"x\",\"more\":false}")]
    [TestCase("{\"cursor\":\"x\",\"more\":false,\"revoked\":[[\"\",1]]}")]
    [TestCase("{\"cursor\":\"x\",\"more\":false,\"revoked\":[],\"extra\":1}")]
    [TestCase("{\"cursor\":\"x\",\"more\":false,\"revoked\":[]} trailing")]
    [TestCase("[]")]
    public void Parse_NotAPage_Throws(string json)
    {
        var parse = () => RevocationPage.Parse(System.Text.Encoding.UTF8.GetBytes(json), "\"t\"");

        parse.Should().Throw<System.Text.Json.JsonException>();
    }

    [Test]
    public async Task GetPage_CursorsTagsAndRetention_AnswerOnlyWhatIsNew()
    {
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        using var log = new RevocationLog(store, TimeSpan.FromMinutes(1), _time);
        await Revoke(store, "s-1");
        await Revoke(store, "s-2");

        var first = log.GetPage(cursor: null);
        first.Revoked.Select(static r => r.Key).Should().Equal("s-1", "s-2");
        first.Revoked[0].Value.Should().Be(_time.GetUtcNow().AddMinutes(1));
        first.HasMore.Should().BeFalse();
        log.GetPage(first.Cursor).Revoked.Should().BeEmpty();
        log.GetPage(first.Cursor, first.EntityTag).NotModified.Should().BeTrue();
        log.GetPage("someone-else-7").Revoked.Should().HaveCount(2, "a foreign cursor is answered with everything held");

        await Revoke(store, "s-3");
        log.GetPage(first.Cursor, first.EntityTag).Revoked.Select(static r => r.Key).Should().Equal("s-3");
        RevocationPage.Parse(first.ToJson(), first.EntityTag).Revoked.Should().Equal(
            first.Revoked.Select(static r => new KeyValuePair<string, DateTimeOffset>(r.Key, DateTimeOffset.FromUnixTimeSeconds(r.Value.ToUnixTimeSeconds()))));

        _time.Advance(TimeSpan.FromMinutes(1));
        log.GetPage(cursor: null).Revoked.Should().BeEmpty("no token of those sessions can validate after the retention");
        log.Count.Should().Be(0);
    }

    [Test]
    public async Task Dispose_AfterASuccessfulPoll_ListReportsItselfUnavailable()
    {
        var poller = await StartedPoller();
        poller.Revocations.IsAvailable.Should().BeTrue();

        poller.Dispose();

        poller.Revocations.IsAvailable.Should().BeFalse("nothing polls for the list any more, so validators apply their failure mode");
        _time.Advance(Options().MaxStaleness * 2);
        poller.Revocations.IsAvailable.Should().BeFalse();
    }

    [Test]
    public async Task Dispose_Log_ReportsUnavailableForGood()
    {
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        var log = new RevocationLog(store, TimeSpan.FromMinutes(1), _time);
        log.IsAvailable.Should().BeTrue();

        log.Dispose();
        await Revoke(store, "s-1");

        log.GetPage(cursor: null).Revoked.Should().BeEmpty("a disposed log no longer follows the store");
        log.IsAvailable.Should().BeFalse("a page missing the revocations after the disposal must not pass for the current one");
    }

    [Test]
    public async Task Poll_IssuersLogDisposed_FailsSoTheListGoesStale()
    {
        var poller = await StartedPoller();
        var tokens = await _manager.StartSessionAsync("alice");
        _issuer.Revocations!.Dispose();

        await _manager.RevokeAsync(tokens.SessionId);

        (await poller.PollAsync()).Should().BeFalse("the endpoint of a disposed log answers 503, not a page without the revocation");
    }

    [Test]
    public async Task GetPage_CursorsThroughALongLog_EveryEntryOnceInOrder()
    {
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        using var log = new RevocationLog(store, TimeSpan.FromMinutes(1), _time);
        for (var i = 0; i < 2_500; i++)
        {
            await Revoke(store, $"s-{i}");
        }

        var seen = new List<string>();
        var pages = new List<RevocationPage>();
        string? cursor = null;
        do
        {
            var page = log.GetPage(cursor);
            pages.Add(page);
            seen.AddRange(page.Revoked.Select(static r => r.Key));
            cursor = page.Cursor;
        }
        while (pages[^1].HasMore);

        pages.Select(static p => p.Revoked.Count).Should().Equal(1_000, 1_000, 500);
        seen.Should().Equal(Enumerable.Range(0, 2_500).Select(static i => $"s-{i}"));
        log.GetPage(pages[1].Cursor).Revoked.Select(static r => r.Key).Should().Equal(seen.Skip(2_000));
    }

    [Test]
    public async Task GetPage_EntryExpiringBehindALaterHead_SkippedThenTrimmed()
    {
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        using var log = new RevocationLog(store, TimeSpan.FromMinutes(1), _time);
        await Revoke(store, "s-late");
        await store.CreateAsync(SessionRecords.Create("s-early", "alice", _time.GetUtcNow()));
        await store.RevokeAsync("s-early", _time.GetUtcNow().AddSeconds(-30), SessionEndReason.Logout);

        _time.Advance(TimeSpan.FromSeconds(45));
        log.GetPage(cursor: null).Revoked.Select(static r => r.Key).Should().Equal("s-late");

        _time.Advance(TimeSpan.FromSeconds(15));
        log.GetPage(cursor: null).Revoked.Should().BeEmpty();
        log.Count.Should().Be(0);
    }

    [Test]
    public async Task GetPage_RevocationStampedFarInTheFuture_KeptForTheRetentionOnTheLogsClockSoItNeverBlocksTrimming()
    {
        using var store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        using var log = new RevocationLog(store, TimeSpan.FromMinutes(1), _time);
        await store.CreateAsync(SessionRecords.Create("s-future", "alice", _time.GetUtcNow()));
        await store.RevokeAsync("s-future", _time.GetUtcNow().AddYears(10), SessionEndReason.Logout);
        await Revoke(store, "s-next");

        log.GetPage(cursor: null).Revoked.Should().Equal(
            new KeyValuePair<string, DateTimeOffset>("s-future", _time.GetUtcNow().AddMinutes(1)),
            new KeyValuePair<string, DateTimeOffset>("s-next", _time.GetUtcNow().AddMinutes(1)));

        _time.Advance(TimeSpan.FromMinutes(1));
        log.GetPage(cursor: null).Revoked.Should().BeEmpty();
        log.Count.Should().Be(0, "the head entry expired with the retention, so nothing behind it is held either");
    }

    [TestCase("https://issuer.example/revocations?cursor=abc")]
    [TestCase("https://issuer.example/revocations?a=1&Cursor=abc")]
    [TestCase("https://issuer.example/revocations?%63ursor")]
    public void Validate_UriWithACursorParameter_Refused(string uri)
        => new RevocationPollerOptions { RevocationsUri = new Uri(uri) }.Validate()
            .Should().Equal("RevocationsUri must not carry a cursor query parameter: the poller adds its own.");

    [Test]
    public void Validate_UriWithOtherParameters_Accepted()
        => new RevocationPollerOptions { RevocationsUri = new Uri("https://issuer.example/revocations?tenant=a&cursorless=1") }.Validate()
            .Should().BeEmpty();

    private async Task Revoke(InMemorySessionStore store, string sessionId)
    {
        await store.CreateAsync(SessionRecords.Create(sessionId, "alice", _time.GetUtcNow()));
        await store.RevokeAsync(sessionId, _time.GetUtcNow(), SessionEndReason.Logout);
    }

    private static async Task<bool> Poll(RevocationPoller poller)
    {
        var poll = poller.InFlight;
        poll.Should().NotBeNull("a poll was started");
        return await poll!.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private RevocationPollerOptions Options() => new() { RevocationsUri = _issuer.RevocationsUri };

    private async Task<RevocationPoller> StartedPoller()
    {
        var poller = Track(new RevocationPoller(Options(), httpClient: null, _time, logger: SuiteLogs.For<RevocationPoller>()));
        (await Poll(poller)).Should().BeTrue("the issuer is up");
        return poller;
    }

    private async Task<TokenValidator> ResourceValidator(RevocationPoller poller, RevocationFailureMode mode = RevocationFailureMode.UseLocalState)
    {
        var keys = Track(new JwksKeySource(new JwksKeySourceOptions { JwksUri = _issuer.JwksUri }, httpClient: null, _time, logger: SuiteLogs.For<JwksKeySource>()));
        (await keys.RefreshAsync()).Should().BeTrue();
        return RemoteTokens.Validator(keys, _time, o => (o.Revocations, o.RevocationFailureMode, o.RequireSessionId) = (poller.Revocations, mode, true));
    }

    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }
}
