using JwtSessions.Sessions;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Sessions;

/// <content>Store failures: every method throws <see cref="SessionStoreUnavailableException"/> (fail closed) and nothing is issued.</content>
public sealed partial class SessionManagerTests
{
    private static IEnumerable<TestCaseData> StoreExceptions()
    {
        yield return new TestCaseData(new Func<Exception>(() => new SessionStoreUnavailableException("down"))).SetName("Refresh_StoreUnavailableException_FailsClosed");
        yield return new TestCaseData(new Func<Exception>(() => new TimeoutException("slow"))).SetName("Refresh_StoreTimeout_FailsClosed");
        yield return new TestCaseData(new Func<Exception>(() => new IOException("reset"))).SetName("Refresh_StoreIOException_FailsClosed");
        yield return new TestCaseData(new Func<Exception>(() => new OperationCanceledException("client-side timeout"))).SetName("Refresh_StoreCanceledWithoutCallerCancel_FailsClosed");
    }

    [TestCaseSource(nameof(StoreExceptions))]
    public async Task Refresh_StoreThrows_SessionStoreUnavailableAndNothingIssued(Func<Exception> fault)
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _store.Faults = StoreFaults.Rotate;
        var thrown = fault();
        _store.Fault = () => thrown;

        var refresh = async () => await manager.RefreshAsync(tokens.RefreshToken);

        var failure = (await refresh.Should().ThrowAsync<SessionStoreUnavailableException>()).Which;
        if (thrown is not SessionStoreUnavailableException)
        {
            failure.InnerException.Should().BeSameAs(thrown, "the store's own exception is kept inside");
        }

        (await StoredAsync(tokens.SessionId))!.Generation.Should().Be(0);
    }

    [Test]
    public async Task Refresh_SigningFailsAfterRotation_ThrowsAsAServerFaultAndTheRetryIsReissued()
    {
        var key = new SwitchableSigningKey(TestKeys.Es256);
        using var manager = CreateManager(configure: o => o.AccessTokenKeys = KeyRing.Create(key));
        var tokens = await manager.StartSessionAsync("alice");
        key.Broken = true;

        // Not reported as a store outage: the store did its part, the key did not.
        var refresh = async () => await manager.RefreshAsync(tokens.RefreshToken);
        await refresh.Should().ThrowAsync<System.Security.Cryptography.CryptographicException>();
        (await StoredAsync(tokens.SessionId))!.Generation.Should().Be(1);

        key.Broken = false;
        var retry = await manager.RefreshAsync(tokens.RefreshToken);

        retry.Status.Should().Be(RefreshStatus.GraceReissued, "the rotation landed; the retry gets the generation it created");
        retry.Tokens!.Generation.Should().Be(1);
    }

    [Test]
    public async Task Refresh_StoreRecovers_SameTokenRotates()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _store.Faults = StoreFaults.Rotate;
        await FluentActions.Awaiting(() => manager.RefreshAsync(tokens.RefreshToken).AsTask()).Should().ThrowAsync<SessionStoreUnavailableException>();

        _store.Faults = StoreFaults.None;

        (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.Rotated);
    }

    [Test]
    public async Task Refresh_ResponseLostAfterRotation_RetryInsideGraceReissues()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _store.Faults = StoreFaults.RotateThenLoseResponse;
        await FluentActions.Awaiting(() => manager.RefreshAsync(tokens.RefreshToken).AsTask()).Should().ThrowAsync<SessionStoreUnavailableException>();
        _store.Faults = StoreFaults.None;
        _time.Advance(s_grace);

        var retry = await manager.RefreshAsync(tokens.RefreshToken);

        retry.Status.Should().Be(RefreshStatus.GraceReissued, "the write landed: the retry gets the generation it created");
        retry.Tokens!.Generation.Should().Be(1);
    }

    [Test]
    public async Task Refresh_ResponseLostAfterRotation_RetryAfterGraceIsReuse()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _store.Faults = StoreFaults.RotateThenLoseResponse;
        await FluentActions.Awaiting(() => manager.RefreshAsync(tokens.RefreshToken).AsTask()).Should().ThrowAsync<SessionStoreUnavailableException>();
        _store.Faults = StoreFaults.None;
        _time.Advance(s_grace + TimeSpan.FromTicks(1));

        (await manager.RefreshAsync(tokens.RefreshToken)).Status.Should().Be(RefreshStatus.ReuseDetected);
    }

    [Test]
    public async Task Refresh_StoreFailsWhileRevokingForReuse_SessionStoreUnavailableAndNothingReported()
    {
        using var manager = CreateManager();
        var raised = 0;
        manager.ReuseDetected += (_, _) => raised++;
        var first = await manager.StartSessionAsync("alice");
        await manager.RefreshAsync(first.RefreshToken);
        _time.Advance(TimeSpan.FromMinutes(1));
        _store.Faults = StoreFaults.Revoke;

        var refresh = async () => await manager.RefreshAsync(first.RefreshToken);

        await refresh.Should().ThrowAsync<SessionStoreUnavailableException>();
        raised.Should().Be(0, "the session could not be revoked, so no revocation is reported");
        _store.Faults = StoreFaults.None;
        (await manager.RefreshAsync(first.RefreshToken)).Status.Should().Be(RefreshStatus.ReuseDetected, "the replay is detected again once the store is back");
    }

    [Test]
    public async Task Refresh_CallerCancels_ThrowsOperationCanceled()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await FluentActions.Awaiting(() => manager.RefreshAsync(tokens.RefreshToken, cancellation.Token).AsTask())
            .Should().ThrowAsync<OperationCanceledException>();
        (await StoredAsync(tokens.SessionId))!.Generation.Should().Be(0);
    }

    [Test]
    public async Task Refresh_ReplayDetectedThenTheCallerCancels_SessionIsStillRevoked()
    {
        // The request is aborted (RequestAborted, say) after the store has reported the replay, before the revocation: theft
        // detection must not depend on the thief's connection staying open.
        using var manager = CreateManager(SessionPolicy.Default with { RefreshGracePeriod = TimeSpan.Zero });
        var first = await manager.StartSessionAsync("alice");
        var second = (await manager.RefreshAsync(first.RefreshToken)).Tokens!;
        using var cancellation = new CancellationTokenSource();
        _store.AfterRotate = cancellation.Cancel;

        var result = await manager.RefreshAsync(first.RefreshToken, cancellation.Token);

        _store.AfterRotate = null;
        cancellation.IsCancellationRequested.Should().BeTrue();
        result.Status.Should().Be(RefreshStatus.ReuseDetected);
        var stored = await StoredAsync(first.SessionId);
        stored!.RevokedAt.Should().NotBeNull();
        stored.RevocationReason.Should().Be(SessionEndReason.RefreshTokenReuse);
        (await manager.RefreshAsync(second.RefreshToken)).Status.Should().Be(RefreshStatus.SessionRevoked);
        manager.ValidateAccessToken(second.AccessToken).Error.Should().Be(TokenValidationError.Revoked);
    }

    [Test]
    public async Task StartSession_StoreThrows_ThrowsAndIssuesNothing()
    {
        using var manager = CreateManager();
        _store.Faults = StoreFaults.Create;

        await FluentActions.Awaiting(() => manager.StartSessionAsync("alice").AsTask())
            .Should().ThrowAsync<SessionStoreUnavailableException>();

        _store.Inner.Count.Should().Be(0);
    }

    [Test]
    public async Task Revoke_StoreThrows_ThrowsAndTokenStaysValidLocally()
    {
        using var manager = CreateManager();
        var tokens = await manager.StartSessionAsync("alice");
        _store.Faults = StoreFaults.Revoke;

        await FluentActions.Awaiting(() => manager.RevokeAsync(tokens.SessionId).AsTask())
            .Should().ThrowAsync<SessionStoreUnavailableException>("the caller learns that the logout did not happen");

        manager.ValidateAccessToken(tokens.AccessToken).Error.Should().Be(TokenValidationError.None);
    }
}
