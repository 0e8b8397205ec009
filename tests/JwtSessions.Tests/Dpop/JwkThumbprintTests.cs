using System.Security.Cryptography;
using System.Text.Json.Nodes;
using JwtSessions.Dpop;
using JwtSessions.Signing;
using JwtSessions.Tests.Vectors;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Dpop;

public sealed class JwkThumbprintTests
{
    private static JsonNode Vectors => VectorFiles.LoadJson("rfc/dpop-rfc9449.json");

    [Test]
    public void Compute_Rfc7638Example_MatchesRfc()
    {
        var vector = Vectors["rfc7638"]!;
        var jwk = new JsonWebKey(vector["jwk"]!.ToJsonString());

        JwkThumbprint.Compute(jwk).Should().Be((string)vector["thumbprint"]!);
    }

    [Test]
    public void Compute_Rfc9449ProofKey_MatchesCnfJktOfRfc()
    {
        var proof = Vectors["proof"]!;
        var header = System.Text.Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(((string)proof["dpop"]!).Split('.')[0]));
        var jwk = new JsonWebKey(JsonNode.Parse(header)!["jwk"]!.ToJsonString());

        JwkThumbprint.Compute(jwk).Should().Be((string)proof["jkt"]!);
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.ES384)]
    [TestCase(JwtAlgorithm.RS256)]
    [TestCase(JwtAlgorithm.PS256)]
    public void Compute_GeneratedKey_EqualsMicrosoftIdentityModel(JwtAlgorithm algorithm)
    {
        using var key = SigningKey.Generate(algorithm);
        var microsoft = Base64UrlEncoder.Encode(key.ToJsonWebKey().ComputeJwkThumbprint());

        JwkThumbprint.Compute(key).Should().Be(microsoft);
    }

    [Test]
    public void Compute_PrivateKey_HashesPublicMembersOnly()
    {
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        using var publicKey = key.ToPublicKey();

        JwkThumbprint.Compute(key).Should().Be(JwkThumbprint.Compute(publicKey));
    }

    [Test]
    public void Compute_SymmetricKey_Throws()
    {
        using var key = SigningKey.Generate(JwtAlgorithm.HS256);

        FluentActions.Invoking(() => JwkThumbprint.Compute(key)).Should().Throw<InvalidOperationException>();
    }

    [Test]
    public void Compute_MemberNeedingJsonEscape_Throws()
        => FluentActions.Invoking(() => JwkThumbprint.Compute(new JsonWebKey { Kty = "EC", Crv = "P-256\"", X = "AA", Y = "AA" }))
            .Should().Throw<ArgumentException>();

    [Test]
    public void Compute_Ed25519Key_IsHashOfRequiredMembers()
    {
        using var key = SigningKey.Generate(JwtAlgorithm.EdDSA);
        var jwk = key.ToJsonWebKey();
        var expected = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes($"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{jwk.X}\"}}")));

        JwkThumbprint.Compute(key).Should().Be(expected);
    }
}
