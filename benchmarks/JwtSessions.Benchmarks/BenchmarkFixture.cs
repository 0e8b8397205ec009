using System.Security.Cryptography;
using System.Text;
using JwtSessions.Issuance;
using JwtSessions.Revocation;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.IdentityModel.Tokens;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace JwtSessions.Benchmarks;

/// <summary>
/// One key per algorithm, held three ways: as our <see cref="SigningKey"/>, as the raw primitive the floors call, and as the
/// Microsoft.IdentityModel key the baselines use; plus a realistic access token minted by our issuer and the exact bytes
/// (signing input and decoded signature) every floor works on.
/// </summary>
internal sealed class BenchmarkFixture
{
    public const string Issuer = "https://login.example.com";
    public const string Audience = "api://orders";

    private byte[]? _claimsBuffer;

    private BenchmarkFixture(JwtAlgorithm algorithm)
    {
        Algorithm = algorithm;
        var keyId = "bench-" + algorithm.GetName().ToLowerInvariant();
        switch (algorithm.GetKeyType())
        {
            case SigningKeyType.Symmetric:
                Secret = RandomNumberGenerator.GetBytes(32);
                Key = SigningKey.CreateHmac(Secret, algorithm, keyId);
                VerificationKey = Key;
                IdentityModelKey = new SymmetricSecurityKey(Secret) { KeyId = keyId };
                IdentityModelSigningKey = IdentityModelKey;
                break;
            case SigningKeyType.EllipticCurve:
                using (var generated = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    var parameters = generated.ExportParameters(includePrivateParameters: true);
                    Key = SigningKey.CreateEcdsa(parameters, algorithm, keyId);
                    Ecdsa = ECDsa.Create(generated.ExportParameters(includePrivateParameters: false));
                    EcdsaPrivate = ECDsa.Create(parameters);
                }

                VerificationKey = Key.ToPublicKey();
                IdentityModelKey = new ECDsaSecurityKey(Ecdsa) { KeyId = keyId };
                IdentityModelSigningKey = new ECDsaSecurityKey(EcdsaPrivate) { KeyId = keyId };
                break;
            case SigningKeyType.Rsa:
                using (var generated = RSA.Create(2048))
                {
                    Key = SigningKey.CreateRsa(generated.ExportParameters(includePrivateParameters: true), algorithm, keyId);
                    Rsa = RSA.Create(generated.ExportParameters(includePrivateParameters: false));
                }

                RsaPadding = algorithm == JwtAlgorithm.PS256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
                VerificationKey = Key.ToPublicKey();
                IdentityModelKey = new RsaSecurityKey(Rsa) { KeyId = keyId };
                IdentityModelSigningKey = IdentityModelKey;
                break;
            default:
                var seed = RandomNumberGenerator.GetBytes(32);
                var publicKey = new byte[32];
                Ed25519.GeneratePublicKey(seed, 0, publicKey, 0);
                Key = SigningKey.CreateEd25519(publicKey, seed, keyId);
                Ed25519Point = Ed25519.ValidatePublicKeyFullExport(publicKey)!;
                VerificationKey = Key.ToPublicKey();
                break;
        }

        var issuerOptions = new TokenIssuerOptions { Issuer = Issuer, Keys = KeyRing.Create(Key) };
        issuerOptions.Audiences.Add(Audience);
        TokenIssuer = new TokenIssuer(issuerOptions);
        Descriptor = new AccessTokenDescriptor
        {
            Subject = "user-2f6c1a",
            SessionId = "s-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant(),
            ClientId = "orders-web",
            Scopes = { "orders:read", "orders:write" },
        };
        Token = TokenIssuer.Issue(Descriptor).Token;
        BearerHeader = "Bearer " + Token;
        BearerHeaderUtf8 = Encoding.ASCII.GetBytes(BearerHeader);
        var lastDot = Token.LastIndexOf('.');
        SigningInput = Encoding.ASCII.GetBytes(Token[..lastDot]);
        Signature = Base64UrlDecode(Token[(lastDot + 1)..]);

        // A session manager feeds a revocation list; a few unrelated revoked sessions make the lookup do real work.
        Revocations = new RevocationList();
        for (var i = 0; i < 64; i++)
        {
            Revocations.Add($"s-revoked-{i}", DateTimeOffset.UtcNow.AddHours(2));
        }

        ColdValidator = CreateValidator(cache: false);
        CachedValidator = CreateValidator(cache: true);
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

    public JwtAlgorithm Algorithm { get; }

    public SigningKey Key { get; }

    public SigningKey VerificationKey { get; }

    public byte[]? Secret { get; }

    public ECDsa? Ecdsa { get; }

    public ECDsa? EcdsaPrivate { get; }

    public RSA? Rsa { get; }

    public RSASignaturePadding? RsaPadding { get; }

    public Ed25519.PublicPoint? Ed25519Point { get; }

    public SecurityKey? IdentityModelKey { get; }

    public SecurityKey? IdentityModelSigningKey { get; }

    public TokenIssuer TokenIssuer { get; }

    public AccessTokenDescriptor Descriptor { get; }

    public string Token { get; }

    public string BearerHeader { get; }

    public byte[] BearerHeaderUtf8 { get; }

    public byte[] SigningInput { get; }

    public byte[] Signature { get; }

    public RevocationList Revocations { get; }

    public TokenValidator ColdValidator { get; }

    public TokenValidator CachedValidator { get; }

    public TokenValidationParameters IdentityModelParameters { get; }

    /// <summary>The caller's buffer for the allocation-free overload, sized for any token the validator accepts.</summary>
    public byte[] ClaimsBuffer => _claimsBuffer ??= new byte[ColdValidator.ClaimsBufferSize];

    public static BenchmarkFixture Create(JwtAlgorithm algorithm) => new(algorithm);

    public static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    public static string Base64UrlEncode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public TokenValidator CreateValidator(bool cache)
    {
        var options = new TokenValidatorOptions
        {
            Issuer = Issuer,
            Keys = KeyRing.ForVerification(VerificationKey),
            Revocations = Revocations,
            Cache = cache ? new VerifiedTokenCacheOptions() : null,
        };
        options.Audiences.Add(Audience);
        return new TokenValidator(options);
    }

    /// <summary>
    /// A cold validation into <see cref="ClaimsBuffer"/> that reads every standard claim, as a request handler would; returns a
    /// checksum of them so nothing is optimized away, and throws when the token is rejected.
    /// </summary>
    public int ValidateIntoBuffer()
    {
        if (!ColdValidator.TryValidateAuthorizationHeader(BearerHeader, ClaimsBuffer, out var claims, out var error))
        {
            throw new InvalidOperationException($"into a buffer: expected a valid token, got {error}.");
        }

        return claims.SubjectUtf8.Length + claims.SessionIdUtf8.Length + claims.TokenIdUtf8.Length
            + (claims.HasScope("orders:read"u8) ? 1 : 0) + (int)(claims.ExpiresAt - claims.IssuedAt).Ticks;
    }

    /// <summary>Throws unless <paramref name="result"/> is valid: a benchmark that measures a failure by mistake is worthless.</summary>
    public static void EnsureValid(JwtSessions.Validation.JwtValidationResult result, string what)
    {
        if (!result.IsValid)
        {
            throw new InvalidOperationException($"{what}: expected a valid token, got {result.Error}.");
        }
    }
}
