using System.Text;
using JwtSessions.Dpop;
using JwtSessions.Signing;
using JwtSessions.Tests.Concurrency;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Dpop;

public sealed class DpopKeyCacheTests
{
    private static readonly SigningKey s_key = SigningKey.Generate(JwtAlgorithm.ES256);
    private static readonly SigningKey s_otherKey = SigningKey.Generate(JwtAlgorithm.ES256);

    private FakeTimeProvider _clock = null!;

    [OneTimeTearDown]
    public void DisposeKeys()
    {
        s_key.Dispose();
        s_otherKey.Dispose();
    }

    [SetUp]
    public void SetUp() => _clock = TestClock.Create();

    private DpopProofValidator Validator(int keyCacheSize)
        => new(new DpopProofValidatorOptions { KeyCacheSize = keyCacheSize }, timeProvider: _clock);

    private static DpopJwk Members(SigningKey key)
    {
        var jwk = key.ToJsonWebKey();
        return new DpopJwk { IsPresent = true, Kty = jwk.Kty, Crv = jwk.Crv, X = jwk.X, Y = jwk.Y, N = jwk.N, E = jwk.E };
    }

    [Test]
    public async Task ValidateAsync_SameKeyTwice_KeptOnceAndBothValid()
    {
        var validator = Validator(keyCacheSize: 4);

        var first = await validator.ValidateAsync(DpopProofs.Create(s_key), DpopProofs.Method, DpopProofs.Target);
        var second = await validator.ValidateAsync(DpopProofs.Create(s_key), DpopProofs.Method, DpopProofs.Target);

        first.Error.Should().Be(DpopProofError.None);
        second.Error.Should().Be(DpopProofError.None);
        second.Thumbprint.Should().Be(JwkThumbprint.Compute(s_key));
        validator.KeyCache!.Count.Should().Be(1);
    }

    [Test]
    public async Task ValidateAsync_CachedKeyWrongSignature_BadSignature()
    {
        var validator = Validator(keyCacheSize: 4);
        (await validator.ValidateAsync(DpopProofs.Create(s_key), DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.None);

        var forged = DpopProofs.Sign(s_otherKey, DpopProofs.Header(s_key), DpopProofs.Payload(TestClock.StartSeconds));

        (await validator.ValidateAsync(forged, DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.BadSignature);
    }

    [Test]
    public async Task ValidateAsync_CachedXWithAnotherY_NeverUsesTheCachedKey()
    {
        // One slot: every key meets the cached one there, and only identical members may use it.
        var validator = Validator(keyCacheSize: 1);
        (await validator.ValidateAsync(DpopProofs.Create(s_key), DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.None);
        var cached = Members(s_key);
        var jwk = $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{cached.X}\",\"y\":\"{Members(s_otherKey).Y}\"}}";
        var spliced = DpopProofs.Sign(s_key, DpopProofs.Header(s_key, jwk: jwk), DpopProofs.Payload(TestClock.StartSeconds));

        (await validator.ValidateAsync(spliced, DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.InvalidKey);
    }

    [Test]
    public async Task ValidateAsync_BadSignatureUnderFreshKey_NotKept()
    {
        var validator = Validator(keyCacheSize: 4);
        var forged = DpopProofs.Sign(s_otherKey, DpopProofs.Header(s_key), DpopProofs.Payload(TestClock.StartSeconds));

        (await validator.ValidateAsync(forged, DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.BadSignature);
        validator.KeyCache!.Count.Should().Be(0);
    }

    [Test]
    public async Task ValidateAsync_FloodOfDistinctKeys_NeverGrowsPastCapacity()
    {
        var validator = Validator(keyCacheSize: 8);

        for (var i = 0; i < 40; i++)
        {
            using var key = SigningKey.Generate(JwtAlgorithm.ES256);
            (await validator.ValidateAsync(DpopProofs.Create(key), DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.None);
        }

        validator.KeyCache!.Capacity.Should().Be(8);
        validator.KeyCache.Count.Should().BeInRange(1, 8);
        (await validator.ValidateAsync(DpopProofs.Create(s_key), DpopProofs.Method, DpopProofs.Target)).Error.Should().Be(DpopProofError.None);
    }

    [Test]
    public void Constructor_KeyCacheSizeZero_NoCache()
        => Validator(keyCacheSize: 0).KeyCache.Should().BeNull();

    [Test]
    public void Acquire_SameMembersOtherAlgorithm_Miss()
    {
        var cache = new DpopKeyCache(1);
        var members = Members(s_key);
        cache.Add(members, JwtAlgorithm.ES256, s_key.ToPublicKey(), JwkThumbprint.Compute(s_key));

        cache.Acquire(members, JwtAlgorithm.ES384).Should().BeNull();
        cache.Acquire(members with { Crv = "P-384" }, JwtAlgorithm.ES256).Should().BeNull();
        var hit = cache.Acquire(members, JwtAlgorithm.ES256);
        hit.Should().NotBeNull();
        hit!.Release();
    }

    [Test]
    public void Add_ReplacesALeasedEntry_DisposedOnlyWhenReleased()
    {
        var cache = new DpopKeyCache(1);
        var input = Encoding.ASCII.GetBytes("signing input");
        var signature = new byte[s_key.SignatureSize];
        s_key.Sign(input, signature);
        cache.Add(Members(s_key), JwtAlgorithm.ES256, s_key.ToPublicKey(), "first");
        var leased = cache.Acquire(Members(s_key), JwtAlgorithm.ES256)!;

        cache.Add(Members(s_otherKey), JwtAlgorithm.ES256, s_otherKey.ToPublicKey(), "second");

        leased.Key.VerifySignature(input, signature).Should().BeTrue("a leased key outlives its replacement");
        leased.TryAcquire().Should().BeFalse("a replaced entry takes no new lease");
        leased.Release();
        leased.Key.VerifySignature(input, signature).Should().BeFalse("the last release disposes the replaced key");
    }

    [Test]
    public void AcquireAndAdd_Racing_NeverDisposesAKeyInUse()
    {
        var input = Encoding.ASCII.GetBytes("signing input");
        var signature = new byte[s_key.SignatureSize];
        s_key.Sign(input, signature);
        var members = Members(s_key);
        var other = Members(s_otherKey);
        DpopKeyCache cache = null!;
        var failed = false;
        var replaced = false;

        var failures = Race.Run(
            iterations: 300,
            reset: () =>
            {
                cache = new DpopKeyCache(1);
                cache.Add(members, JwtAlgorithm.ES256, s_key.ToPublicKey(), "first");
                failed = false;
                replaced = false;
            },
            act: thread =>
            {
                if (thread == 0)
                {
                    var entry = cache.Acquire(members, JwtAlgorithm.ES256);
                    if (entry is not null)
                    {
                        failed = !entry.Key.VerifySignature(input, signature);
                        entry.Release();
                    }
                }
                else
                {
                    cache.Add(other, JwtAlgorithm.ES256, s_otherKey.ToPublicKey(), "second");
                    replaced = true;
                }
            },
            violated: () => failed || !replaced);

        failures.Should().Be(0);
    }

    [Test]
    public void Options_KeyCacheSizeOutOfRange_ListedByName()
    {
        new DpopProofValidatorOptions { KeyCacheSize = -1 }.Validate().Should().ContainSingle()
            .Which.Should().Contain(nameof(DpopProofValidatorOptions.KeyCacheSize));
        new DpopProofValidatorOptions { KeyCacheSize = DpopProofValidatorOptions.MaxKeyCacheSize + 1 }.Validate().Should().ContainSingle()
            .Which.Should().Contain(nameof(DpopProofValidatorOptions.KeyCacheSize));
    }
}
