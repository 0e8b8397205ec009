using System.Security.Cryptography;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Benchmarks.AspNetCore;

/// <summary>
/// One key, held as our <see cref="SigningKey"/> and as the Microsoft.IdentityModel key JwtBearer uses, and one realistic access
/// token minted by <see cref="TokenIssuer"/> with it (the validation benchmarks' claims: <c>sub</c>, <c>sid</c>,
/// <c>client_id</c>, two scopes), so both handlers check the same bytes with the same key.
/// </summary>
internal sealed class RequestFixture
{
    public const string Issuer = "https://login.example.com";
    public const string Audience = "api://orders";

    private RequestFixture(JwtAlgorithm algorithm)
    {
        var keyId = "bench-" + algorithm.GetName().ToLowerInvariant();
        SigningKey key;
        if (algorithm == JwtAlgorithm.HS256)
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            key = SigningKey.CreateHmac(secret, algorithm, keyId);
            VerificationKey = key;
            IdentityModelKey = new SymmetricSecurityKey(secret) { KeyId = keyId };
        }
        else if (algorithm == JwtAlgorithm.ES256)
        {
            using var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            key = SigningKey.CreateEcdsa(generated.ExportParameters(includePrivateParameters: true), algorithm, keyId);
            VerificationKey = key.ToPublicKey();
            IdentityModelKey = new ECDsaSecurityKey(ECDsa.Create(generated.ExportParameters(includePrivateParameters: false))) { KeyId = keyId };
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "The request benchmark covers HS256 and ES256.");
        }

        var issuerOptions = new TokenIssuerOptions { Issuer = Issuer, Keys = KeyRing.Create(key) };
        issuerOptions.Audiences.Add(Audience);
        var token = new TokenIssuer(issuerOptions).Issue(new AccessTokenDescriptor
        {
            Subject = "user-2f6c1a",
            SessionId = "s-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant(),
            ClientId = "orders-web",
            Scopes = { "orders:read", "orders:write" },
        }).Token;
        BearerHeader = "Bearer " + token;
        IdentityModelParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = IdentityModelKey,
            ValidTypes = [TokenValidatorOptions.AccessTokenType],
            ValidAlgorithms = [algorithm.GetName()],
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The public half (or, for HMAC, the key itself) that validators are given.</summary>
    public SigningKey VerificationKey { get; }

    public SecurityKey IdentityModelKey { get; }

    /// <summary>The <c>Authorization</c> header value: <c>Bearer</c> and the token.</summary>
    public string BearerHeader { get; }

    /// <summary>JwtBearer's parameters: the same issuer, audience, key, type and algorithm as ours.</summary>
    public TokenValidationParameters IdentityModelParameters { get; }

    public static RequestFixture Create(JwtAlgorithm algorithm) => new(algorithm);
}
