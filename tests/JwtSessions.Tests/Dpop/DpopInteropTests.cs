using System.Security.Cryptography;
using JwtSessions.Dpop;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Dpop;

/// <summary>
/// Interop both ways with another implementation: proofs made by Microsoft.IdentityModel's <see cref="JsonWebTokenHandler"/>
/// over a <see cref="JsonWebKey"/> built from raw key parts are accepted, and proofs made by <see cref="DpopProof"/> verify there.
/// </summary>
public sealed class DpopInteropTests
{
    private static string MicrosoftProof(ECDsa ecdsa, JsonWebKey publicJwk, string htm, string htu, long iat)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(ecdsa), SecurityAlgorithms.EcdsaSha256),
            AdditionalHeaderClaims = new Dictionary<string, object>
            {
                ["jwk"] = new Dictionary<string, object> { ["kty"] = publicJwk.Kty, ["crv"] = publicJwk.Crv, ["x"] = publicJwk.X, ["y"] = publicJwk.Y },
            },
            Claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString(), ["htm"] = htm, ["htu"] = htu, ["iat"] = iat },
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private static JsonWebKey PublicJwk(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        return new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
    }

    [Test]
    public async Task ValidateAsync_ProofMadeByMicrosoftHandler_ValidWithMicrosoftThumbprint()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = PublicJwk(ecdsa);
        var proof = MicrosoftProof(ecdsa, jwk, "POST", "https://api.example.com/token", TestClock.StartSeconds);
        var validator = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: TestClock.Create());

        var result = await validator.ValidateAsync(proof, "POST", new Uri("https://api.example.com/token"));

        result.Error.Should().Be(DpopProofError.None);
        result.Thumbprint.Should().Be(Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()));
    }

    [Test]
    public async Task ValidateAsync_MicrosoftProofSignedByOtherKey_BadSignature()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var proof = MicrosoftProof(other, PublicJwk(ecdsa), "POST", "https://api.example.com/token", TestClock.StartSeconds);
        var validator = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: TestClock.Create());

        var result = await validator.ValidateAsync(proof, "POST", new Uri("https://api.example.com/token"));

        result.Error.Should().Be(DpopProofError.BadSignature);
    }

    [TestCase(JwtAlgorithm.ES256)]
    [TestCase(JwtAlgorithm.PS256)]
    [TestCase(JwtAlgorithm.RS256)]
    public async Task Create_OurProof_VerifiedByMicrosoftHandlerWithKeyFromItsJwkHeader(JwtAlgorithm algorithm)
    {
        using var key = SigningKey.Generate(algorithm);
        var proof = DpopProof.Create(key, "GET", new Uri("https://api.example.com/orders?page=2"), TestClock.Start, accessToken: "at");

        var token = new JsonWebToken(proof);
        token.TryGetHeaderValue<System.Text.Json.JsonElement>("jwk", out var jwkElement).Should().BeTrue();
        var jwk = new JsonWebKey(jwkElement.GetRawText());
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = jwk,
            ValidTypes = ["dpop+jwt"],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });

        result.IsValid.Should().BeTrue(result.Exception?.Message);
        jwk.HasPrivateKey.Should().BeFalse();
        token.GetClaim("htu").Value.Should().Be("https://api.example.com/orders");
        token.GetClaim("ath").Value.Should().Be(DpopProofs.Ath("at"));
        Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()).Should().Be(JwkThumbprint.Compute(key));
    }

    [Test]
    public async Task Create_OurProof_AcceptedByOurValidator()
    {
        using var key = SigningKey.Generate(JwtAlgorithm.EdDSA);
        var validator = new DpopProofValidator(new DpopProofValidatorOptions(), timeProvider: TestClock.Create());

        var result = await validator.ValidateAsync(DpopProof.Create(key, "GET", DpopProofs.Target, TestClock.Start), "GET", DpopProofs.Target);

        result.Thumbprint.Should().Be(JwkThumbprint.Compute(key));
    }

    [Test]
    public void Create_PublicKey_Throws()
    {
        using var key = SigningKey.Generate(JwtAlgorithm.ES256);
        using var publicKey = key.ToPublicKey();

        FluentActions.Invoking(() => DpopProof.Create(publicKey, "GET", DpopProofs.Target, TestClock.Start)).Should().Throw<ArgumentException>();
    }
}
