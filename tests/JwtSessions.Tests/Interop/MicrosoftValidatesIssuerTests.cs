using System.Text.Json;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Validators = JwtSessions.Tests.Support.Validators;

namespace JwtSessions.Tests.Interop;

/// <summary>Tokens minted by <see cref="TokenIssuer"/> validate with Microsoft's <see cref="JsonWebTokenHandler"/>, configured strictly.</summary>
public sealed class MicrosoftValidatesIssuerTests
{
    [TestCaseSource(typeof(InteropCases), nameof(InteropCases.Algorithms))]
    public async Task ValidateTokenAsync_TokenFromIssuer_IsValidWithSameClaims(JwtAlgorithm algorithm)
    {
        var time = TestClock.Create();
        var key = TestKeys.For(algorithm);
        var issued = CreateIssuer(key, time).Issue(Descriptor());

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(issued.Token, StrictParameters(key, time));

        result.Exception.Should().BeNull();
        result.IsValid.Should().BeTrue();
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Alg.Should().Be(algorithm.GetName());
        jwt.Kid.Should().Be(key.KeyId);
        jwt.Typ.Should().Be("at+jwt");
        jwt.Issuer.Should().Be(RawToken.Issuer);
        jwt.Subject.Should().Be("alice");
        jwt.Audiences.Should().Equal(RawToken.Audience);
        jwt.Id.Should().Be(issued.TokenId);
        jwt.IssuedAt.Should().Be(TestClock.Start.UtcDateTime);
        jwt.ValidFrom.Should().Be(TestClock.Start.UtcDateTime);
        jwt.ValidTo.Should().Be(TestClock.Start.AddMinutes(5).UtcDateTime);
        jwt.GetPayloadValue<string>("sid").Should().Be("s-1");
        jwt.GetPayloadValue<string>("scope").Should().Be("read write");
        jwt.GetPayloadValue<string>("client_id").Should().Be("cli");
        jwt.GetPayloadValue<string>("tenant").Should().Be("t-1");
        jwt.GetPayloadValue<long>("level").Should().Be(3);
        jwt.GetPayloadValue<bool>("admin").Should().BeTrue();
        jwt.GetPayloadValue<List<string>>("roles").Should().Equal("a", "b");

        // The same token read by our own validator yields the same registered claims.
        var verifier = key.KeyType == SigningKeyType.Symmetric ? key : key.ToPublicKey();
        var ours = Validators.For(verifier, time).ValidateToken(issued.Token);
        ours.IsValid.Should().BeTrue();
        ours.Claims!.Issuer.Should().Be(jwt.Issuer);
        ours.Subject.Should().Be(jwt.Subject);
        ours.Audiences.Should().Equal(jwt.Audiences);
        ours.TokenId.Should().Be(jwt.Id);
        ours.ExpiresAt!.Value.UtcDateTime.Should().Be(jwt.ValidTo);
        ours.IssuedAt!.Value.UtcDateTime.Should().Be(jwt.IssuedAt);
        ours.Claims.NotBefore!.Value.UtcDateTime.Should().Be(jwt.ValidFrom);
        ours.TryGetClaim("roles", out var roles).Should().BeTrue();
        roles.EnumerateArray().Select(static r => r.GetString()).Should().Equal("a", "b");
    }

    [TestCaseSource(typeof(InteropCases), nameof(InteropCases.AsymmetricAlgorithms))]
    public async Task ValidateTokenAsync_KeysFromPublishedJwks_IsValid(JwtAlgorithm algorithm)
    {
        // What a relying party does: fetch the JWK set we publish and pick the key by kid.
        var time = TestClock.Create();
        var key = TestKeys.For(algorithm);
        var other = SigningKey.Generate(JwtAlgorithm.ES384, "other");
        var ring = KeyRing.Create(key, other.ToPublicKey());
        var token = CreateIssuer(key, time).Issue(Descriptor()).Token;
        var parameters = StrictParameters(key, time);
        parameters.IssuerSigningKey = null;
        parameters.IssuerSigningKeys = new JsonWebKeySet(ring.ToJwks()).GetSigningKeys();

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);

        result.Exception.Should().BeNull();
        result.IsValid.Should().BeTrue();
        ((JsonWebToken)result.SecurityToken).SigningKey.KeyId.Should().Be(key.KeyId);
    }

    [TestCaseSource(typeof(InteropCases), nameof(InteropCases.Algorithms))]
    public async Task ValidateTokenAsync_TokenFromIssuerTampered_IsRejected(JwtAlgorithm algorithm)
    {
        var time = TestClock.Create();
        var key = TestKeys.For(algorithm);
        var token = CreateIssuer(key, time).Issue(Descriptor()).Token;
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!;
        payload["sub"] = JsonSerializer.SerializeToElement("mallory");
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload))}.{parts[2]}";

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(tampered, StrictParameters(key, time));

        result.IsValid.Should().BeFalse();
        result.Exception.Should().BeAssignableTo<SecurityTokenInvalidSignatureException>();
    }

    [Test]
    public async Task ValidateTokenAsync_FakeClockPastExpiry_IsRejectedAsExpired()
    {
        // Proves the lifetime check reads the fake clock (through LifetimeValidator), not the wall clock.
        var time = TestClock.Create();
        var key = TestKeys.Es256;
        var token = CreateIssuer(key, time).Issue(Descriptor()).Token;
        var parameters = StrictParameters(key, time);

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        (await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters)).IsValid.Should().BeTrue();

        time.Advance(TimeSpan.FromSeconds(1));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);

        result.IsValid.Should().BeFalse();
        result.Exception.Should().BeOfType<SecurityTokenExpiredException>();
    }

    [Test]
    public async Task ValidateTokenAsync_OtherValidType_IsRejected()
    {
        var time = TestClock.Create();
        var key = TestKeys.Hs256;
        var token = CreateIssuer(key, time).Issue(Descriptor()).Token;
        var parameters = StrictParameters(key, time);
        parameters.ValidTypes = ["JWT"];

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);

        result.IsValid.Should().BeFalse();
        result.Exception.Should().BeOfType<SecurityTokenInvalidTypeException>();
    }

    [Test]
    public async Task ValidateTokenAsync_AlgorithmNotInValidAlgorithms_IsRejected()
    {
        // ValidAlgorithms is honoured: the same HS512 token passes with HS512 allowed and fails with only HS256 allowed
        // (Microsoft reports it as a signature failure, IDX10511, whose inner cause is the algorithm).
        var time = TestClock.Create();
        var key = TestKeys.For(JwtAlgorithm.HS512);
        var token = CreateIssuer(key, time).Issue(Descriptor()).Token;
        var parameters = StrictParameters(key, time);
        (await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters)).IsValid.Should().BeTrue();
        parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);

        result.IsValid.Should().BeFalse();
        result.Exception.Should().BeAssignableTo<SecurityTokenInvalidSignatureException>();
    }

    /// <summary>Strict parameters: exact issuer, audience, key, algorithm and typ, no skew, and the fake clock.</summary>
    internal static TokenValidationParameters StrictParameters(SigningKey key, FakeTimeProvider time) => new()
    {
        ValidIssuer = RawToken.Issuer,
        ValidAudience = RawToken.Audience,
        IssuerSigningKey = key.KeyType == SigningKeyType.Symmetric ? key.ToJsonWebKey(includePrivateKey: true) : key.ToJsonWebKey(),
        ValidAlgorithms = [key.Algorithm.GetName()],
        ValidTypes = ["at+jwt"],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireAudience = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        TryAllIssuerSigningKeys = false,
        ClockSkew = TimeSpan.Zero,
        LifetimeValidator = FakeClockLifetime.For(time),
    };

    internal static TokenIssuer CreateIssuer(SigningKey key, FakeTimeProvider time)
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(key), TimeProvider = time };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }

    internal static AccessTokenDescriptor Descriptor()
    {
        var descriptor = new AccessTokenDescriptor { Subject = "alice", SessionId = "s-1", ClientId = "cli", Scopes = { "read", "write" } };
        descriptor.Claims["tenant"] = "t-1";
        descriptor.Claims["level"] = 3;
        descriptor.Claims["admin"] = true;
        descriptor.Claims["roles"] = new[] { "a", "b" };
        return descriptor;
    }
}
