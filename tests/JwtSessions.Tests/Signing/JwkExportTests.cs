using System.Text.Json;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Signing;

public sealed class JwkExportTests
{
    private static readonly string[] s_privateMembers = ["d", "p", "q", "dp", "dq", "qi", "k"];

    public static IEnumerable<JwtAlgorithm> AsymmetricAlgorithms
        => JwtAlgorithms.All.Where(static a => TestKeys.For(a).KeyType != SigningKeyType.Symmetric);

    [TestCaseSource(nameof(AsymmetricAlgorithms))]
    public void ToJwk_Public_HasNoPrivateMember(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        key.CanSign.Should().BeTrue();

        foreach (var json in new[] { key.ToJwk(), key.ToPublicKey().ToJwk(), key.ToPublicKey().ToJwk(includePrivateKey: true) })
        {
            using var document = JsonDocument.Parse(json);
            var names = document.RootElement.EnumerateObject().Select(static p => p.Name).ToList();
            names.Should().NotIntersectWith(s_privateMembers);
            names.Should().OnlyContain(static n => AllowedPublicMembers(n));
            foreach (var member in s_privateMembers)
            {
                json.Should().NotContain($"\"{member}\"");
            }
        }
    }

    [TestCaseSource(nameof(AsymmetricAlgorithms))]
    public void ToJsonWebKey_Public_HasNoPrivateMember(JwtAlgorithm algorithm)
    {
        var jwk = TestKeys.For(algorithm).ToJsonWebKey();

        new[] { jwk.D, jwk.P, jwk.Q, jwk.DP, jwk.DQ, jwk.QI, jwk.K }.Should().OnlyContain(static v => string.IsNullOrEmpty(v));
        jwk.HasPrivateKey.Should().BeFalse();
        jwk.Kid.Should().Be(TestKeys.For(algorithm).KeyId);
        jwk.Alg.Should().Be(algorithm.GetName());
        jwk.Use.Should().Be("sig");
    }

    [TestCaseSource(nameof(AsymmetricAlgorithms))]
    public void ToJwk_Private_HasPrivateMembers(JwtAlgorithm algorithm)
    {
        using var document = JsonDocument.Parse(TestKeys.For(algorithm).ToJwk(includePrivateKey: true));

        document.RootElement.TryGetProperty("d", out _).Should().BeTrue();
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.HS384)]
    [TestCase(JwtAlgorithm.HS512)]
    public void ToJwk_HmacWithoutPrivate_Throws(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);

        key.Invoking(static k => k.ToJwk(includePrivateKey: false)).Should().Throw<InvalidOperationException>();
        key.Invoking(static k => k.ToJsonWebKey()).Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void ToJwk_HmacWithPrivate_HasOnlyOctMembers()
    {
        using var document = JsonDocument.Parse(TestKeys.Hs256.ToJwk(includePrivateKey: true));

        document.RootElement.EnumerateObject().Select(static p => p.Name).Should().BeEquivalentTo("kty", "kid", "use", "alg", "k");
        document.RootElement.GetProperty("kty").GetString().Should().Be("oct");
    }

    [Test]
    public void ToJwks_RingWithHmacKeys_PublishesOnlyPublicAsymmetricKeys()
    {
        var ring = KeyRing.Create(
            TestKeys.Hs256,
            TestKeys.For(JwtAlgorithm.HS512),
            TestKeys.Es256,
            TestKeys.Rs256,
            TestKeys.For(JwtAlgorithm.EdDSA));

        var json = ring.ToJwks();

        using var document = JsonDocument.Parse(json);
        var keys = document.RootElement.GetProperty("keys").EnumerateArray().ToList();
        keys.Select(static k => k.GetProperty("kid").GetString()).Should().Equal(
            TestKeys.Es256.KeyId, TestKeys.Rs256.KeyId, TestKeys.For(JwtAlgorithm.EdDSA).KeyId);
        keys.Should().OnlyContain(static k => k.EnumerateObject().All(p => AllowedPublicMembers(p.Name)));
        foreach (var member in s_privateMembers)
        {
            json.Should().NotContain($"\"{member}\"");
        }
    }

    [Test]
    public void ToJwks_OnlyHmacKeys_IsEmptySet()
    {
        using var document = JsonDocument.Parse(KeyRing.Create(TestKeys.Hs256).ToJwks());

        document.RootElement.GetProperty("keys").GetArrayLength().Should().Be(0);
    }

    [Test]
    public void ToString_PrivateKey_HasNoKeyMaterial()
    {
        var key = TestKeys.Hs256;
        var secret = key.ToJsonWebKey(includePrivateKey: true).K;

        key.ToString().Should().NotContain(secret).And.Contain(key.KeyId);
    }

    private static bool AllowedPublicMembers(string name) => name is "kty" or "kid" or "use" or "alg" or "crv" or "n" or "e" or "x" or "y";
}
