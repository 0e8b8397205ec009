using Microsoft.Extensions.Logging;
using System.Buffers.Text;
using JwtSessions.Issuance;
using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Sessions;

/// <summary>
/// The session lifecycle end to end through <see cref="SessionManager"/>, split by aspect: sign-in and listing (this file),
/// rotation, expiry, revocation, concurrency, policy, token confusion and store failures.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed partial class SessionManagerTests : IDisposable
{
    private const string RefreshAudience = RawToken.Issuer + "#refresh";

    private static readonly KeyRing s_accessKeys = KeyRing.Create(TestKeys.Es256);
    private static readonly KeyRing s_refreshKeys = KeyRing.Create(SigningKey.Generate(JwtAlgorithm.HS256, "refresh-1"));

    private readonly FakeTimeProvider _time = TestClock.Create();
    private readonly TestSessionStore _store;
    private readonly List<IDisposable> _disposables = [];

    public SessionManagerTests()
    {
        _store = new TestSessionStore(_time);
        _disposables.Add(_store);
    }

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }

    [Test]
    public async Task StartSession_NewSession_IdIs128RandomBitsInBase64Url()
    {
        using var manager = CreateManager();

        var tokens = await manager.StartSessionAsync("alice");

        tokens.SessionId.Should().MatchRegex("^[A-Za-z0-9_-]{22}$", "16 bytes in unpadded base64url");
        Base64Url.DecodeFromChars(tokens.SessionId).Should().HaveCount(16);
    }

    [Test]
    public async Task StartSession_TenThousandSessions_IdsAreAllDistinct()
    {
        using var manager = CreateManager();
        var ids = new HashSet<string>(StringComparer.Ordinal);

        for (var i = 0; i < 10_000; i++)
        {
            ids.Add((await manager.StartSessionAsync("user-" + (i % 100))).SessionId);
        }

        ids.Should().HaveCount(10_000);
        ids.Should().OnlyContain(id => id.Length == 22);
    }

    [Test]
    public async Task StartSession_NewSession_IssuesTypedPairBoundToTheSession()
    {
        using var manager = CreateManager();

        var tokens = await manager.StartSessionAsync("alice");

        var accessHeader = TokenParts.Header(tokens.AccessToken);
        var access = TokenParts.Payload(tokens.AccessToken);
        var refreshHeader = TokenParts.Header(tokens.RefreshToken);
        var refresh = TokenParts.Payload(tokens.RefreshToken);
        accessHeader.GetProperty("typ").GetString().Should().Be("at+jwt");
        refreshHeader.GetProperty("typ").GetString().Should().Be(SessionManager.RefreshTokenType);
        access.GetProperty("aud").GetString().Should().Be(RawToken.Audience);
        refresh.GetProperty("aud").GetString().Should().Be(RefreshAudience);
        access.GetProperty("sid").GetString().Should().Be(tokens.SessionId);
        refresh.GetProperty("sid").GetString().Should().Be(tokens.SessionId);
        access.TryGetProperty("gen", out _).Should().BeFalse("only refresh tokens carry a generation");
        refresh.GetProperty("gen").GetInt64().Should().Be(0);
        tokens.Generation.Should().Be(0);
        access.GetProperty("sub").GetString().Should().Be("alice");
        refresh.GetProperty("sub").GetString().Should().Be("alice");
        tokens.AccessTokenExpiresAt.Should().Be(TestClock.Start + TimeSpan.FromMinutes(5));
        tokens.RefreshTokenExpiresAt.Should().Be(TestClock.Start + TimeSpan.FromDays(14), "the idle deadline comes first");
        TokenParts.Expiry(tokens.RefreshToken).Should().Be(tokens.RefreshTokenExpiresAt);
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task StartSession_NewSession_StoresRecordWithDeadlines()
    {
        using var manager = CreateManager();

        var tokens = await manager.StartSessionAsync("alice");

        var record = await _store.Inner.GetAsync(tokens.SessionId);
        record.Should().NotBeNull();
        record!.Subject.Should().Be("alice");
        record.CreatedAt.Should().Be(TestClock.Start);
        record.RotatedAt.Should().Be(TestClock.Start);
        record.IdleExpiresAt.Should().Be(TestClock.Start + TimeSpan.FromDays(14));
        record.AbsoluteExpiresAt.Should().Be(TestClock.Start + TimeSpan.FromDays(30));
        record.Generation.Should().Be(0);
        record.RevokedAt.Should().BeNull();
    }

    [Test]
    public async Task StartSession_WithMetadataScopesAndClient_StoredListedAndCarried()
    {
        using var manager = CreateManager();
        var metadata = new SessionMetadata
        {
            DeviceName = "Work laptop",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64)",
            IpAddress = "198.51.100.4",
            Custom = new Dictionary<string, string> { ["tenant"] = "acme" },
        };
        var options = new SessionStartOptions { Metadata = metadata, ClientId = "web", Scopes = { "read", "write" } };

        var tokens = await manager.StartSessionAsync("alice", options);

        var listed = await manager.ListSessionsAsync("alice");
        listed.Should().ContainSingle();
        listed[0].SessionId.Should().Be(tokens.SessionId);
        listed[0].Metadata.Should().BeSameAs(metadata);
        listed[0].Scope.Should().Be("read write");
        listed[0].ClientId.Should().Be("web");
        var access = manager.ValidateAccessToken(tokens.AccessToken);
        access.Scopes.Should().Equal("read", "write");
        access.Claims!.ClientId.Should().Be("web");
    }

    [Test]
    public async Task StartSession_ValuesTheIssuerWouldRefuse_ThrowBeforeAnythingIsStored()
    {
        // A subject with a lone surrogate would be signed as U+FFFD; a scope with a space would read back as two. Refused
        // before the store call, so no session is left without tokens.
        using var manager = CreateManager();
        var cases = new Func<Task>[]
        {
            () => manager.StartSessionAsync("alice\uD800").AsTask(),
            () => manager.StartSessionAsync("alice", new SessionStartOptions { Scopes = { "read", "orders:read admin" } }).AsTask(),
            () => manager.StartSessionAsync("alice", new SessionStartOptions { Scopes = { string.Empty } }).AsTask(),
            () => manager.StartSessionAsync("alice", new SessionStartOptions { ClientId = "web\uDC00" }).AsTask(),
            () => manager.StartSessionAsync("alice", new SessionStartOptions { Scopes = { "read\uD800" } }).AsTask(),
        };

        foreach (var start in cases)
        {
            await start.Should().ThrowAsync<ArgumentException>();
        }

        _store.Creates.Should().Be(0);
        _store.Lists.Should().Be(0);
    }

    [Test]
    public async Task Reauthenticate_ValuesTheIssuerWouldRefuse_ThrowAndLeaveThePreviousSessionAlive()
    {
        using var manager = CreateManager();
        var first = await manager.StartSessionAsync("alice");

        var reauthenticate = () => manager.ReauthenticateAsync("alice", first.SessionId, new SessionStartOptions { Scopes = { "orders:read admin" } }).AsTask();

        await reauthenticate.Should().ThrowAsync<ArgumentException>();
        (await manager.ListSessionsAsync("alice")).Should().ContainSingle().Which.SessionId.Should().Be(first.SessionId);
        _store.Revokes.Should().Be(0);
    }

    [Test]
    public async Task ListSessions_SeveralSubjects_ReturnsActiveSessionsOfSubjectOldestFirst()
    {
        using var manager = CreateManager();
        var first = await manager.StartSessionAsync("alice", WithDevice("phone"));
        _time.Advance(TimeSpan.FromMinutes(1));
        await manager.StartSessionAsync("bob", WithDevice("bob's"));
        var loggedOut = await manager.StartSessionAsync("alice", WithDevice("kiosk"));
        _time.Advance(TimeSpan.FromMinutes(1));
        var third = await manager.StartSessionAsync("alice", WithDevice("laptop"));
        await manager.RevokeAsync(loggedOut.SessionId);

        var listed = await manager.ListSessionsAsync("alice");

        listed.Select(s => s.SessionId).Should().Equal(first.SessionId, third.SessionId);
        listed.Select(s => s.Metadata.DeviceName).Should().Equal("phone", "laptop");
        (await manager.ListSessionsAsync("nobody")).Should().BeEmpty();
    }

    [Test]
    public async Task StartSession_EmptySubject_Throws()
    {
        using var manager = CreateManager();

        await FluentActions.Awaiting(() => manager.StartSessionAsync("").AsTask()).Should().ThrowAsync<ArgumentException>();
        _store.Creates.Should().Be(0);
    }

    private static SessionStartOptions WithDevice(string name) => new() { Metadata = new SessionMetadata { DeviceName = name } };

    private SessionManager CreateManager(
        SessionPolicy? policy = null,
        Action<SessionManagerOptions>? configure = null,
        ISessionStore? store = null,
        TimeProvider? time = null,
        ILogger<SessionManager>? logger = null)
    {
        var options = new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = s_accessKeys,
            RefreshTokenKeys = s_refreshKeys,
            Policy = policy ?? SessionPolicy.Default,
        };
        configure?.Invoke(options);
        var manager = new SessionManager(options, store ?? _store, timeProvider: time ?? _time, logger: logger ?? SuiteLogs.For<SessionManager>());
        _disposables.Add(manager);
        return manager;
    }

    /// <summary>
    /// A refresh token signed like the manager's own (or with <paramref name="keys"/>), for states a client cannot reach by
    /// refreshing: unknown sessions, arbitrary generations, lifetimes past the session's deadlines, wrong audiences or types.
    /// </summary>
    private string MintRefresh(
        string sessionId,
        long? generation,
        TimeSpan? lifetime = null,
        string subject = "alice",
        string audience = RefreshAudience,
        string type = SessionManager.RefreshTokenType,
        KeyRing? keys = null,
        string issuer = RawToken.Issuer)
    {
        var life = lifetime ?? TimeSpan.FromDays(1);
        var options = new TokenIssuerOptions
        {
            Issuer = issuer,
            Keys = keys ?? s_refreshKeys,
            DefaultLifetime = life,
            MaxLifetime = life,
            MaxAllowedLifetimeOverride = SessionPolicy.MaxAbsoluteLifetime,
            TimeProvider = _time,
            Type = type,
        };
        options.Audiences.Add(audience);
        return new TokenIssuer(options).Mint(subject, sessionId, life, notAfter: null, generation).Token;
    }

    private Task<SessionRecord?> StoredAsync(string sessionId) => _store.Inner.GetAsync(sessionId).AsTask();
}
