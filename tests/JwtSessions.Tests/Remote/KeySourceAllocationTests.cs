using JwtSessions.Remote;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using static JwtSessions.Tests.Remote.RemoteTokens;

namespace JwtSessions.Tests.Remote;

/// <summary>
/// A validator reading its keys from a <see cref="KeyRingSource"/> keeps the hot path's allocation budgets (docs/benchmarks.md):
/// nothing for a cache hit, a cold validation into a buffer, or an unknown kid within the refetch cooldown.
/// </summary>
[NonParallelizable]
public sealed class KeySourceAllocationTests
{
    private const int Iterations = 1000;

    [Test]
    public void Validate_KeySourceCachedToken_AllocatesNothing()
    {
        var time = TestClock.Create();
        var source = new FixedSource(KeyRing.ForVerification(TestKeys.Hs256));
        var validator = Validator(source, time, o => o.Cache = new VerifiedTokenCacheOptions());
        var token = Token(TestKeys.Hs256, time);
        validator.ValidateToken(token).IsValid.Should().BeTrue();

        AllocatedPerCall(() => validator.ValidateToken(token).IsValid).Should().Be(0);
    }

    [Test]
    public void TryValidate_KeySourceColdToken_AllocatesNothing()
    {
        var time = TestClock.Create();
        var source = new FixedSource(KeyRing.ForVerification(TestKeys.Hs256));
        var validator = Validator(source, time);
        var token = Token(TestKeys.Hs256, time);
        var buffer = new byte[validator.ClaimsBufferSize];

        AllocatedPerCall(() => validator.TryValidateToken(token, buffer, out _, out var error) ? error : error).Should().Be(0);
        validator.TryValidateToken(token, buffer, out _, out var last).Should().BeTrue(last.ToString());
    }

    [Test]
    public void Validate_AfterASwap_NewRingUsedAndStillAllocatesNothing()
    {
        var time = TestClock.Create();
        var source = new FixedSource(KeyRing.ForVerification(TestKeys.Hs256));
        var validator = Validator(source, time);
        var other = SigningKey.Generate(JwtAlgorithm.HS256, "other");
        var buffer = new byte[validator.ClaimsBufferSize];
        validator.TryValidateToken(Token(TestKeys.Hs256, time), buffer, out _, out _).Should().BeTrue();

        source.Set(KeyRing.ForVerification(other));

        validator.TryValidateToken(Token(TestKeys.Hs256, time), buffer, out _, out var error).Should().BeFalse();
        error.Should().Be(TokenValidationError.UnknownKey);
        var token = Token(other, time);
        AllocatedPerCall(() => validator.TryValidateToken(token, buffer, out _, out var e) ? e : e).Should().Be(0);
        validator.Keys.Keys.Should().ContainSingle().Which.Should().BeSameAs(other);
    }

    [Test]
    public async Task Validate_UnknownKidWithinTheCooldown_AllocatesNothing()
    {
        var time = TestClock.Create();
        var key = NewKey("key-a");
        await using var issuer = await IssuerServer.StartAsync();
        issuer.Jwks = Jwks(key);
        using var source = new JwksKeySource(new JwksKeySourceOptions { JwksUri = issuer.JwksUri }, httpClient: null, time, logger: SuiteLogs.For<JwksKeySource>());
        (await source.RefreshAsync()).Should().BeTrue();
        var validator = Validator(source, time);
        var unknown = Token(key, time, "not-published");
        validator.ValidateToken(unknown).Error.Should().Be(TokenValidationError.UnknownKey);
        await FetchAsync(source);

        AllocatedPerCall(() => validator.ValidateToken(unknown).Error).Should().Be(0);
        issuer.JwksRequests.Should().Be(2, "the load and the one refetch; the rest of the cooldown fetches nothing");
    }

    private static long AllocatedPerCall<T>(Func<T> call)
    {
        for (var i = 0; i < Iterations; i++)
        {
            call();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Iterations;
    }

    private sealed class FixedSource : KeyRingSource
    {
        public FixedSource(KeyRing ring) => Publish(ring);

        public void Set(KeyRing ring) => Publish(ring);
    }
}
