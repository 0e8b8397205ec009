using JwtSessions.Dpop;
using JwtSessions.Signing;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Dpop;

/// <summary>Sender-constrained sessions: binding at sign-in, the proof at every refresh, a stolen refresh token without the key.</summary>
public sealed class DpopSessionTests
{
    private static readonly Uri s_signIn = new("https://auth.example.com/session");
    private static readonly Uri s_refresh = new("https://auth.example.com/session/refresh");

    private readonly List<IDisposable> _disposables = [];
    private FakeTimeProvider _clock = null!;
    private SigningKey _client = null!;
    private SigningKey _thief = null!;
    private SigningKey _accessKey = null!;
    private SigningKey _refreshKey = null!;
    private InMemorySessionStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = TestClock.Create();
        _client = SigningKey.Generate(JwtAlgorithm.ES256);
        _thief = SigningKey.Generate(JwtAlgorithm.ES256);
        _accessKey = SigningKey.Generate(JwtAlgorithm.ES256);
        _refreshKey = SigningKey.Generate(JwtAlgorithm.HS256);
        _store = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _clock });
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            disposable.Dispose();
        }

        _disposables.Clear();
        _store.Dispose();
        _client.Dispose();
        _thief.Dispose();
        _accessKey.Dispose();
        _refreshKey.Dispose();
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private SessionManager Manager(SessionPolicy? policy = null, bool dpop = true)
    {
        var options = new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(_accessKey),
            RefreshTokenKeys = KeyRing.Create(_refreshKey),
            Policy = policy ?? SessionPolicy.Default,
            DpopProofValidator = dpop ? new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: _clock) : null,
        };
        return Own(new SessionManager(options, _store, _clock, logger: SuiteLogs.For<SessionManager>()));
    }

    private SessionRequestContext Context(SigningKey? key, Uri uri, string method = "POST")
        => new() { DpopProof = key is null ? null : DpopProof.Create(key, method, uri, _clock.GetUtcNow()), HttpMethod = method, HttpUri = uri };

    private static SessionStartOptions SignIn(SessionRequestContext context, string? clientId = null)
        => new() { RequestContext = context, ClientId = clientId };

    [Test]
    public async Task StartSessionAsync_WithProof_BindsSessionAndAccessToken()
    {
        var manager = Manager();

        var tokens = await manager.StartSessionAsync("alice", SignIn(Context(_client, s_signIn)));

        var thumbprint = JwkThumbprint.Compute(_client);
        (await _store.GetAsync(tokens.SessionId))!.KeyThumbprint.Should().Be(thumbprint);
        manager.ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Error.Should().Be(TokenValidationError.DpopProofRequired);
        var proofs = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: _clock);
        var api = new Uri("https://api.example.com/orders");
        var result = await manager.AccessTokenValidator.ValidateDpopRequestAsync(
            "DPoP " + tokens.AccessToken, DpopProof.Create(_client, "GET", api, _clock.GetUtcNow(), tokens.AccessToken), "GET", api, proofs);
        result.Error.Should().Be(TokenValidationError.None);
        result.Claims!.KeyThumbprint.Should().Be(thumbprint);
    }

    [Test]
    public async Task StartSessionAsync_WithoutProof_BearerSession()
    {
        var manager = Manager();

        var tokens = await manager.StartSessionAsync("alice", SignIn(Context(null, s_signIn)));

        (await _store.GetAsync(tokens.SessionId))!.KeyThumbprint.Should().BeNull();
        manager.ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Error.Should().Be(TokenValidationError.None);
        (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task StartSessionAsync_InvalidProof_ThrowsAndStoresNothing()
    {
        var manager = Manager();
        var proof = DpopProof.Create(_client, "POST", new Uri("https://auth.example.com/elsewhere"), _clock.GetUtcNow());

        var act = () => manager.StartSessionAsync("alice", SignIn(new SessionRequestContext { DpopProof = proof, HttpMethod = "POST", HttpUri = s_signIn })).AsTask();

        (await act.Should().ThrowAsync<InvalidDpopProofException>()).Which.Error.Should().Be(DpopProofError.UriMismatch);
        (await _store.ListAsync("alice", _clock.GetUtcNow())).Should().BeEmpty();
    }

    [Test]
    public async Task StartSessionAsync_PolicyRequiresDpopAndNoProof_ThrowsMissing()
    {
        var manager = Manager(SessionPolicy.Default with { RequireDpop = true });

        var act = () => manager.StartSessionAsync("alice", SignIn(Context(null, s_signIn))).AsTask();

        (await act.Should().ThrowAsync<InvalidDpopProofException>()).Which.Error.Should().Be(DpopProofError.Missing);
    }

    [Test]
    public async Task StartSessionAsync_ClientIdRequiresDpop_OtherClientsStayBearer()
    {
        var manager = Manager(SessionPolicy.Default with { DpopRequiredClientIds = ["mobile"] });

        var browser = await manager.StartSessionAsync("alice", SignIn(Context(null, s_signIn), clientId: "web"));
        var act = () => manager.StartSessionAsync("alice", SignIn(Context(null, s_signIn), clientId: "mobile")).AsTask();

        browser.AccessToken.Should().NotBeNull();
        (await act.Should().ThrowAsync<InvalidDpopProofException>()).Which.Error.Should().Be(DpopProofError.Missing);
    }

    [Test]
    public void Options_RequireDpopWithoutValidator_ListedByName()
    {
        var options = new SessionManagerOptions
        {
            Issuer = RawToken.Issuer,
            Audience = RawToken.Audience,
            AccessTokenKeys = KeyRing.Create(_accessKey),
            Policy = SessionPolicy.Default with { RequireDpop = true },
        };

        options.Validate().Should().ContainSingle().Which.Should().Contain(nameof(SessionManagerOptions.DpopProofValidator));
    }

    [Test]
    public async Task RefreshAsync_BoundSessionWithProofOfItsKey_RotatesAndStaysBound()
    {
        var manager = Manager();
        var tokens = await manager.StartSessionAsync("alice", SignIn(Context(_client, s_signIn)));

        var result = await manager.RefreshAsync(tokens.RefreshToken, Context(_client, s_refresh), CancellationToken.None);

        result.Status.Should().Be(RefreshStatus.Rotated);
        manager.ValidateAuthorizationHeader("Bearer " + result.Tokens!.AccessToken).Error.Should().Be(TokenValidationError.DpopProofRequired);
        (await manager.RefreshAsync(result.Tokens.RefreshToken, Context(_client, s_refresh), CancellationToken.None)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task RefreshAsync_StolenRefreshTokenWithoutProof_ReuseDetectedAndRevoked()
    {
        var manager = Manager();
        var tokens = await manager.StartSessionAsync("alice", SignIn(Context(_client, s_signIn)));
        var reported = new List<SessionSecurityEventArgs>();
        manager.ReuseDetected += (_, e) => reported.Add(e);

        var result = await manager.RefreshAsync(tokens.RefreshToken);

        result.Status.Should().Be(RefreshStatus.ReuseDetected);
        reported.Should().ContainSingle().Which.Revocation.Reason.Should().Be(SessionEndReason.DpopKeyMismatch);
        (await _store.GetAsync(tokens.SessionId))!.RevocationReason.Should().Be(SessionEndReason.DpopKeyMismatch);
        (await manager.RefreshAsync(tokens.RefreshToken, Context(_client, s_refresh), CancellationToken.None)).Status.Should().Be(RefreshStatus.SessionRevoked);
    }

    [Test]
    public async Task RefreshAsync_StolenRefreshTokenWithThiefsProof_ReuseDetectedAndRevoked()
    {
        var manager = Manager();
        var tokens = await manager.StartSessionAsync("alice", SignIn(Context(_client, s_signIn)));

        var result = await manager.RefreshAsync(tokens.RefreshToken, Context(_thief, s_refresh), CancellationToken.None);

        result.Status.Should().Be(RefreshStatus.ReuseDetected);
        (await _store.GetAsync(tokens.SessionId))!.RevocationReason.Should().Be(SessionEndReason.DpopKeyMismatch);
    }

    [Test]
    public async Task RefreshAsync_ProofForAnotherUri_InvalidDpopProofAndSessionKept()
    {
        var manager = Manager();
        var tokens = await manager.StartSessionAsync("alice", SignIn(Context(_client, s_signIn)));
        var proof = DpopProof.Create(_client, "POST", s_signIn, _clock.GetUtcNow());

        var result = await manager.RefreshAsync(tokens.RefreshToken, new SessionRequestContext { DpopProof = proof, HttpMethod = "POST", HttpUri = s_refresh }, CancellationToken.None);

        result.Status.Should().Be(RefreshStatus.InvalidToken);
        result.TokenError.Should().Be(TokenValidationError.InvalidDpopProof);
        (await _store.GetAsync(tokens.SessionId))!.RevokedAt.Should().BeNull();
        (await manager.RefreshAsync(tokens.RefreshToken, Context(_client, s_refresh), CancellationToken.None)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task RefreshAsync_BoundSessionOnServerWithoutValidator_DpopProofRequired()
    {
        var tokens = await Manager().StartSessionAsync("alice", SignIn(Context(_client, s_signIn)));
        var other = Manager(dpop: false);

        var result = await other.RefreshAsync(tokens.RefreshToken, Context(_client, s_refresh), CancellationToken.None);

        result.Status.Should().Be(RefreshStatus.InvalidToken);
        result.TokenError.Should().Be(TokenValidationError.DpopProofRequired);
    }
}
