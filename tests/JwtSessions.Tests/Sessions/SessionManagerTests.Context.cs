using JwtSessions.Sessions;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <summary>Context signals at refresh: user-agent family, IP network and device id against the session's metadata, and the policy's decision.</summary>
public sealed partial class SessionManagerTests
{
    private const string FirefoxOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
    private const string FirefoxOnWindowsUpdated = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:141.0) Gecko/20100101 Firefox/141.0";
    private const string ChromeOnAndroid = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36";

    private static readonly SessionRequestContext s_signIn = new() { IpAddress = "192.0.2.7", UserAgent = FirefoxOnWindows, DeviceId = "device-1" };

    [Test]
    public async Task StartSession_WithRequestContext_StoresItAsTheBaseline()
    {
        using var manager = CreateManager();

        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });

        var metadata = (await _store.GetAsync(tokens.SessionId))!.Metadata;
        metadata.IpAddress.Should().Be("192.0.2.7");
        metadata.UserAgent.Should().Be(FirefoxOnWindows);
        metadata.DeviceId.Should().Be("device-1");
        metadata.LastSeenAt.Should().Be(_time.GetUtcNow());
        metadata.LastSeenIpAddress.Should().Be("192.0.2.7");
    }

    [Test]
    public async Task Refresh_SameDeviceNewBrowserVersionSameNetwork_RotatesAndRecordsLastSeen()
    {
        using var manager = CreateManager();
        var changes = Watch(manager);
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });
        _time.Advance(TimeSpan.FromMinutes(3));

        var result = await manager.RefreshAsync(
            tokens.RefreshToken, new SessionRequestContext { IpAddress = "192.0.2.99", UserAgent = FirefoxOnWindowsUpdated, DeviceId = "device-1" }, default);

        result.Status.Should().Be(RefreshStatus.Rotated);
        changes.Should().BeEmpty();
        var metadata = (await _store.GetAsync(tokens.SessionId))!.Metadata;
        metadata.LastSeenAt.Should().Be(_time.GetUtcNow());
        metadata.LastSeenIpAddress.Should().Be("192.0.2.99");
        metadata.UserAgent.Should().Be(FirefoxOnWindowsUpdated);
    }

    [Test]
    public async Task Refresh_OtherUserAgentFamily_StepUpRequiredAndNothingRotated()
    {
        using var manager = CreateManager();
        var changes = Watch(manager);
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });

        var stolen = await manager.RefreshAsync(tokens.RefreshToken, new SessionRequestContext { IpAddress = "192.0.2.7", UserAgent = ChromeOnAndroid }, default);

        stolen.Status.Should().Be(RefreshStatus.StepUpRequired);
        stolen.Tokens.Should().BeNull();
        var change = changes.Should().ContainSingle().Which;
        change.Signal.Should().Be(SessionContextSignal.UserAgentFamily);
        change.OldValue.Should().Be("Firefox on Windows");
        change.NewValue.Should().Be("Chrome on Android");
        change.Action.Should().Be(SessionContextAction.RequireStepUp);
        change.SessionId.Should().Be(tokens.SessionId);
        var stored = (await _store.GetAsync(tokens.SessionId))!;
        stored.Generation.Should().Be(0, "a step-up must not leave a rotated session behind");
        stored.RevokedAt.Should().BeNull();

        // The legitimate client, on its own device, refreshes on.
        (await manager.RefreshAsync(tokens.RefreshToken, s_signIn, default)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task Refresh_OtherDeviceId_RevokesBeforeRotating()
    {
        using var manager = CreateManager();
        var changes = Watch(manager);
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });

        var result = await manager.RefreshAsync(tokens.RefreshToken, new SessionRequestContext { UserAgent = FirefoxOnWindows, DeviceId = "device-2" }, default);

        result.Status.Should().Be(RefreshStatus.ContextRevoked);
        changes.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Signal = SessionContextSignal.DeviceId, OldValue = "device-1", NewValue = "device-2", Action = SessionContextAction.Revoke,
        });
        var stored = (await _store.GetAsync(tokens.SessionId))!;
        stored.Generation.Should().Be(0);
        stored.RevocationReason.Should().Be(SessionEndReason.ContextChanged);
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        (await manager.RefreshAsync(tokens.RefreshToken, s_signIn, default)).Status.Should().Be(RefreshStatus.SessionRevoked);
    }

    [Test]
    public async Task Refresh_OtherNetwork_AllowsAndUpdatesTheBaseline()
    {
        using var manager = CreateManager();
        var changes = Watch(manager);
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });

        var result = await manager.RefreshAsync(tokens.RefreshToken, new SessionRequestContext { IpAddress = "203.0.113.5", UserAgent = FirefoxOnWindows }, default);

        result.Status.Should().Be(RefreshStatus.Rotated);
        changes.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Signal = SessionContextSignal.IpNetwork, OldValue = "192.0.2.0/24", NewValue = "203.0.113.0/24", Action = SessionContextAction.AllowAndUpdate,
        });
        var metadata = (await _store.GetAsync(tokens.SessionId))!.Metadata;
        metadata.IpAddress.Should().Be("203.0.113.5");
        metadata.LastSeenIpAddress.Should().Be("203.0.113.5");
    }

    [Test]
    public async Task Refresh_FlaggedNetworkChange_KeepsTheBaselineAndReportsAgain()
    {
        using var manager = CreateManager(configure: o => o.ContextPolicy = SessionContextPolicy.Default with { IpNetwork = SessionContextAction.Flag });
        var changes = Watch(manager);
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });
        var elsewhere = new SessionRequestContext { IpAddress = "2001:db8:1:2::1" };

        var first = await manager.RefreshAsync(tokens.RefreshToken, elsewhere, default);
        var second = await manager.RefreshAsync(first.Tokens!.RefreshToken, elsewhere, default);

        second.Status.Should().Be(RefreshStatus.Rotated);
        changes.Should().HaveCount(2).And.OnlyContain(c => c.Action == SessionContextAction.Flag && c.NewValue == "2001:db8:1::/48");
        var metadata = (await _store.GetAsync(tokens.SessionId))!.Metadata;
        metadata.IpAddress.Should().Be("192.0.2.7");
        metadata.LastSeenIpAddress.Should().Be("2001:db8:1:2::1");
    }

    [Test]
    public async Task Refresh_DeviceIdAndBrowserBothChange_TheStrongestActionWins()
    {
        using var manager = CreateManager();
        var changes = Watch(manager);
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });

        var result = await manager.RefreshAsync(tokens.RefreshToken, new SessionRequestContext { UserAgent = ChromeOnAndroid, DeviceId = "device-2" }, default);

        result.Status.Should().Be(RefreshStatus.ContextRevoked);
        changes.Select(c => c.Signal).Should().BeEquivalentTo([SessionContextSignal.UserAgentFamily, SessionContextSignal.DeviceId]);
    }

    [Test]
    public async Task Refresh_NothingKnownAtSignIn_RecordsTheFirstValuesWithoutAnEvent()
    {
        using var manager = CreateManager();
        var changes = Watch(manager);
        var tokens = await manager.StartSessionAsync("alice");

        var result = await manager.RefreshAsync(tokens.RefreshToken, s_signIn, default);

        result.Status.Should().Be(RefreshStatus.Rotated);
        changes.Should().BeEmpty();
        var metadata = (await _store.GetAsync(tokens.SessionId))!.Metadata;
        metadata.UserAgent.Should().Be(FirefoxOnWindows);
        metadata.DeviceId.Should().Be("device-1");
    }

    [Test]
    public async Task Refresh_WithoutContext_MakesNoExtraStoreCall()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });
        var gets = _store.Gets;

        var result = await manager.RefreshAsync(tokens.RefreshToken);

        result.Status.Should().Be(RefreshStatus.Rotated);
        _store.Gets.Should().Be(gets);
        (await _store.GetAsync(tokens.SessionId))!.Metadata.DeviceId.Should().Be("device-1");
    }

    [Test]
    public async Task Refresh_ContextOnAReplayedToken_ReuseIsStillDetected()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice", new SessionStartOptions { RequestContext = s_signIn });
        var rotated = await manager.RefreshAsync(tokens.RefreshToken, s_signIn, default);
        _time.Advance(TimeSpan.FromMinutes(5));
        await manager.RefreshAsync(rotated.Tokens!.RefreshToken, s_signIn, default);

        var replay = await manager.RefreshAsync(tokens.RefreshToken, new SessionRequestContext { DeviceId = "device-2" }, default);

        replay.Status.Should().Be(RefreshStatus.ReuseDetected);
    }

    [Test]
    public void Validate_UndefinedContextAction_NamesTheSetting()
    {
        var options = new SessionManagerOptions
        {
            Issuer = "https://issuer.example",
            Audience = "api",
            AccessTokenKeys = s_accessKeys,
            ContextPolicy = SessionContextPolicy.Default with { DeviceId = (SessionContextAction)42 },
        };

        options.Validate().Should().ContainSingle().Which.Should().Contain("ContextPolicy.DeviceId");
    }

    private static List<SessionContextChangedEventArgs> Watch(SessionManager manager)
    {
        var changes = new List<SessionContextChangedEventArgs>();
        manager.ContextChanged += (_, e) => changes.Add(e);
        return changes;
    }
}
