using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Fuzz;

/// <summary>
/// What every target shares: one HS256 key derived from a fixed label (so committed seeds stay valid from run to run), a
/// fixed clock, and a validator configured as an application would (exact issuer, one audience, <c>at+jwt</c>, 30 s skew).
/// </summary>
internal static class FuzzFixture
{
    public const string Issuer = "https://issuer.fuzz";
    public const string Audience = "api://fuzz";
    public const string KeyId = "fuzz-hs256";

    public static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    public static long NowSeconds => Now.ToUnixTimeSeconds();

    /// <summary>Gets the HMAC secret: the SHA-256 of a fixed label. Only for fuzzing; never a real key.</summary>
    public static byte[] Secret { get; } = SHA256.HashData("JwtSessions fuzzing key, not a secret"u8);

    public static SigningKey Key { get; } = SigningKey.CreateHmac(Secret, JwtAlgorithm.HS256, KeyId);

    public static FixedTimeProvider Time { get; } = new(Now);

    public static TokenValidator Validator { get; } = CreateValidator();

    public static string DefaultHeader { get; } = $$"""{"alg":"HS256","kid":"{{KeyId}}","typ":"at+jwt"}""";

    public static string DefaultPayload { get; } = Payload();

    /// <summary>A payload the validator accepts at <see cref="Now"/>; <paramref name="extra"/> goes in verbatim.</summary>
    public static string Payload(string extra = "")
        => $$"""{"iss":"{{Issuer}}","sub":"user-1","aud":"{{Audience}}","exp":{{NowSeconds + 300}},"iat":{{NowSeconds}},"jti":"j-1"{{(extra.Length > 0 ? "," + extra : "")}}}""";

    public static TokenValidator CreateValidator()
    {
        var options = new TokenValidatorOptions
        {
            Issuer = Issuer,
            Keys = KeyRing.ForVerification(Key),
            TimeProvider = Time,
            ClockSkew = ClockSkew,
        };
        options.Audiences.Add(Audience);
        return new TokenValidator(options);
    }

    /// <summary>Encodes the exact header and payload bytes and signs them with <see cref="Key"/>: a token whose MAC holds.</summary>
    public static string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        var signingInput = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        Span<byte> mac = stackalloc byte[64];
        var length = Key.Sign(Encoding.ASCII.GetBytes(signingInput), mac);
        return signingInput + "." + Base64Url.EncodeToString(mac[..length]);
    }

    public static string Sign(string header, string payload) => Sign(Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(payload));
}
