using JwtSessions.Revocation;
using JwtSessions.Sessions;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <content>Logout, log out everywhere, re-authentication, the per-subject cap, the revocation list and its failure mode.</content>
public sealed partial class SessionManagerTests
{
    [Test]
    public async Task Revoke_Session_AccessTokenRejectedAtOnceEvenIfCached()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue("validated once, so now cached");

        var existed = await manager.RevokeAsync(tokens.SessionId);

        existed.Should().BeTrue();
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        manager.ValidateAuthorizationHeader("Bearer " + tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        manager.AccessTokenValidator.ValidateToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        var record = await StoredAsync(tokens.SessionId);
        record!.RevocationReason.Should().Be(SessionEndReason.Logout);
    }

    [Test]
    public async Task Refresh_RevokedSession_SessionRevokedAndNothingWritten()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        await manager.RevokeAsync(tokens.SessionId);
        var before = await StoredAsync(tokens.SessionId);
        var revokesBefore = _store.Revokes;
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = await manager.RefreshAsync(tokens.RefreshToken);

        result.Status.Should().Be(RefreshStatus.SessionRevoked);
        result.SessionId.Should().Be(tokens.SessionId);
        result.Subject.Should().Be("alice");
        result.Tokens.Should().BeNull();
        (await StoredAsync(tokens.SessionId)).Should().Be(before);
        _store.Revokes.Should().Be(revokesBefore);
    }

    [Test]
    public async Task Revoke_UnknownSession_ReturnsFalse()
    {
        using var manager = CreateManager();

        (await manager.RevokeAsync("no-such-session")).Should().BeFalse();
        manager.Revocations.Count.Should().Be(0);
    }

    [Test]
    public async Task RevokeAll_Subject_RevokesEveryActiveSessionOfThatSubjectOnly()
    {
        using var manager = CreateManager();
        var alice = new[]
        {
            await manager.StartSessionAsync("alice"),
            await manager.StartSessionAsync("alice"),
            await manager.StartSessionAsync("alice"),
        };
        var bob = await manager.StartSessionAsync("bob");
        await manager.RevokeAsync(alice[2].SessionId);

        var revoked = await manager.RevokeAllAsync("alice");

        revoked.Should().Be(2, "the third was already logged out");
        foreach (var tokens in alice)
        {
            manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
            (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
        }

        (await StoredAsync(alice[0].SessionId))!.RevocationReason.Should().Be(SessionEndReason.LogoutEverywhere);
        (await manager.ListSessionsAsync("alice")).Should().BeEmpty();
        manager.ValidateAccessToken(bob.AccessToken).IsValid.Should().BeTrue();
        (await manager.RefreshAsync(bob.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task Reauthenticate_PreviousSession_NewIdAndPreviousRevoked()
    {
        using var manager = CreateManager();
        var previous = await manager.StartSessionAsync("alice");

        var current = await manager.ReauthenticateAsync("alice", previous.SessionId);

        current.SessionId.Should().NotBe(previous.SessionId);
        current.Generation.Should().Be(0);
        manager.ValidateAccessToken(previous.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        (await manager.RefreshAsync(previous.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
        (await StoredAsync(previous.SessionId))!.RevocationReason.Should().Be(SessionEndReason.Reauthenticated);
        manager.ValidateAccessToken(current.AccessToken).IsValid.Should().BeTrue();
        (await manager.RefreshAsync(current.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
        (await manager.ListSessionsAsync("alice")).Select(s => s.SessionId).Should().Equal(current.SessionId);
    }

    [Test]
    public async Task Reauthenticate_AnotherSubjectsSession_ThrowsAndChangesNothing()
    {
        using var manager = CreateManager();
        var bobs = await manager.StartSessionAsync("bob");

        await FluentActions.Awaiting(() => manager.ReauthenticateAsync("alice", bobs.SessionId).AsTask())
            .Should().ThrowAsync<InvalidOperationException>();

        _store.Creates.Should().Be(1);
        (await StoredAsync(bobs.SessionId))!.RevokedAt.Should().BeNull();
        manager.ValidateAccessToken(bobs.AccessToken).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task Reauthenticate_StoreFailsStartingNewSession_PreviousAlreadyRevoked()
    {
        using var manager = CreateManager();
        var previous = await manager.StartSessionAsync("alice");
        _store.Faults = StoreFaults.Create;

        await FluentActions.Awaiting(() => manager.ReauthenticateAsync("alice", previous.SessionId).AsTask())
            .Should().ThrowAsync<SessionStoreUnavailableException>();

        // Fails closed: the old id never stays alive next to a new one.
        manager.ValidateAccessToken(previous.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        (await StoredAsync(previous.SessionId))!.RevocationReason.Should().Be(SessionEndReason.Reauthenticated);
    }

    [Test]
    public async Task Reauthenticate_UnknownPreviousSession_StartsNewSession()
    {
        using var manager = CreateManager();

        var tokens = await manager.ReauthenticateAsync("alice", "no-such-session");

        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();
        _store.Revokes.Should().Be(0);
    }

    [Test]
    public async Task StartSession_BeyondCap_RevokesOldestSessions()
    {
        using var manager = CreateManager(SessionPolicy.Default with { MaxSessionsPerSubject = 2 });
        var first = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await manager.StartSessionAsync("alice");
        _time.Advance(TimeSpan.FromMinutes(1));
        var bobs = await manager.StartSessionAsync("bob");

        var third = await manager.StartSessionAsync("alice");

        (await manager.ListSessionsAsync("alice")).Select(s => s.SessionId).Should().Equal(second.SessionId, third.SessionId);
        (await StoredAsync(first.SessionId))!.RevocationReason.Should().Be(SessionEndReason.SessionLimit);
        manager.ValidateAccessToken(first.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
        manager.ValidateAccessToken(second.AccessToken).IsValid.Should().BeTrue();
        manager.ValidateAccessToken(bobs.AccessToken).IsValid.Should().BeTrue("the cap is per subject");
    }

    [Test]
    public async Task StartSession_CapOfOne_EachSignInEndsThePrevious()
    {
        using var manager = CreateManager(SessionPolicy.Default with { MaxSessionsPerSubject = 1 });
        var first = await manager.StartSessionAsync("alice");

        var second = await manager.StartSessionAsync("alice");

        (await manager.ListSessionsAsync("alice")).Select(s => s.SessionId).Should().Equal(second.SessionId);
        manager.ValidateAccessToken(first.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
    }

    [Test]
    public async Task Revocations_Entry_KeptUntilRevocationPlusAccessLifetimePlusSkew()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        await manager.RevokeAsync(tokens.SessionId);
        var retention = SessionPolicy.Default.AccessTokenLifetime + s_skew;

        _time.Advance(retention - TimeSpan.FromTicks(1));
        List(manager).Prune().Should().Be(0);
        manager.Revocations.Contains(tokens.SessionId).Should().BeTrue();
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked, "the token is still inside its skew");

        _time.Advance(TimeSpan.FromTicks(1));
        List(manager).Prune().Should().Be(1);
        manager.Revocations.Contains(tokens.SessionId).Should().BeFalse();
        manager.Revocations.Count.Should().Be(0);
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Expired, "no access token of the session outlives the entry");
    }

    [Test]
    public void Revocations_ManyOld_PrunedAsNewOnesArrive()
    {
        using var manager = CreateManager();
        for (var i = 0; i < 1000; i++)
        {
            List(manager).Add("old-" + i, _time.GetUtcNow() + TimeSpan.FromMinutes(1));
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 100; i++)
        {
            List(manager).Add("new-" + i, _time.GetUtcNow() + TimeSpan.FromMinutes(1));
        }

        manager.Revocations.Count.Should().BeLessThan(200, "adds sweep expired entries, so the set is bounded by time, not history");
    }

    [Test]
    public async Task FailureMode_RejectWhileFeedUnavailable_RejectsUntilFeedReturns()
    {
        using var manager = CreateManager(configure: o => o.RevocationFailureMode = RevocationFailureMode.Reject);
        var tokens = await manager.StartSessionAsync("alice");
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();

        _store.SetFeedAvailable(false);

        manager.Revocations.IsAvailable.Should().BeFalse();
        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.RevocationUnavailable);
        _store.SetFeedAvailable(true);
        manager.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();
    }

    [Test]
    public async Task FailureMode_RejectWithListUnavailable_RejectsEvenRevokedTokensAsUnavailable()
    {
        using var manager = CreateManager(configure: o => o.RevocationFailureMode = RevocationFailureMode.Reject);
        var tokens = await manager.StartSessionAsync("alice");

        List(manager).IsAvailable = false;

        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.RevocationUnavailable);
    }

    [Test]
    public async Task FailureMode_UseLocalStateWhileFeedUnavailable_AcceptsAndStillEnforcesKnownRevocations()
    {
        using var manager = CreateManager(configure: o => o.RevocationFailureMode = RevocationFailureMode.UseLocalState);
        var kept = await manager.StartSessionAsync("alice");
        var revoked = await manager.StartSessionAsync("alice");
        await manager.RevokeAsync(revoked.SessionId);

        _store.SetFeedAvailable(false);

        manager.Revocations.IsAvailable.Should().BeFalse();
        manager.ValidateAccessToken(kept.AccessToken).IsValid.Should().BeTrue();
        manager.ValidateAccessToken(revoked.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
    }

    [Test]
    public void FailureMode_Default_IsUseLocalState()
    {
        new SessionManagerOptions().RevocationFailureMode.Should().Be(RevocationFailureMode.UseLocalState);
    }

    [Test]
    public async Task Revoke_ThroughAnotherManagerSharingTheStore_EnforcedByThisValidator()
    {
        using var shared = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        using var serverA = CreateManager(store: new PeerSessionStore(shared));
        using var serverB = CreateManager(store: new PeerSessionStore(shared));
        var tokens = await serverA.StartSessionAsync("alice");
        serverB.ValidateAccessToken(tokens.AccessToken).IsValid.Should().BeTrue();

        await serverA.RevokeAsync(tokens.SessionId);

        serverA.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked, "enforced at once where it was revoked");
        (await Eventually(() => serverB.Revocations.Contains(tokens.SessionId))).Should().BeTrue();
        serverB.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
        (await serverB.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
    }

    [Test]
    public async Task Refresh_ReuseDetectedOnOneServer_OtherServerRejectsTheSessionsAccessTokens()
    {
        using var shared = new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = _time });
        using var serverA = CreateManager(store: shared);
        using var serverB = CreateManager(store: shared);
        var first = await serverA.StartSessionAsync("alice");
        var stolen = await serverB.RefreshAsync(first.RefreshToken);
        _time.Advance(TimeSpan.FromMinutes(1));

        (await serverA.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.ReuseDetected);

        serverB.ValidateAccessToken(stolen.Tokens!.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
    }

    /// <summary>Polls on the wall clock with a bounded timeout, for the asynchronous peer feed; asserts no speed.</summary>
    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(10))
            {
                return condition();
            }

            await Task.Delay(5);
        }

        return true;
    }

    /// <summary>The list behind the manager's read-only view, for tests of the list's own behaviour.</summary>
    private static RevocationList List(SessionManager manager) => (RevocationList)manager.Revocations;
}
