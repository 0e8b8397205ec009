using System.Security.Cryptography;
using JwtSessions.Remote;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Remote;

/// <summary>Keys, sets and tokens for the remote-key tests, dated by the test's fake clock.</summary>
internal static class RemoteTokens
{
    public static SigningKey NewKey(string keyId) => SigningKey.Generate(JwtAlgorithm.ES256, keyId);

    public static string Jwks(params SigningKey[] keys) => KeyRing.ForVerification(keys).ToJwks();

    /// <summary>A valid token of <paramref name="key"/> issued now on <paramref name="time"/>.</summary>
    public static string Token(SigningKey key, TimeProvider time, string? keyId = null)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var header = $$"""{"alg":"{{key.Algorithm.GetName()}}","kid":"{{keyId ?? key.KeyId}}","typ":"at+jwt"}""";
        var payload = $$"""{"iss":"{{RawToken.Issuer}}","sub":"user-1","aud":"{{RawToken.Audience}}","exp":{{now + 300}},"iat":{{now}},"jti":"jti-1","sid":"sid-1"}""";
        return RawToken.Sign(header, payload, key);
    }

    public static string RandomKeyId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    public static TokenValidator Validator(KeyRingSource source, FakeTimeProvider time, Action<TokenValidatorOptions>? configure = null)
    {
        var options = new TokenValidatorOptions { Issuer = RawToken.Issuer, KeySource = source, TimeProvider = time, RejectionBurst = null };
        options.Audiences.Add(RawToken.Audience);
        configure?.Invoke(options);
        return new TokenValidator(options);
    }

    public static JwksKeySourceOptions Options(IssuerServer issuer, Action<JwksKeySourceOptions>? configure = null)
    {
        var options = new JwksKeySourceOptions { JwksUri = issuer.JwksUri };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Awaits the fetch the source has running, and fails the test if none is.</summary>
    public static async Task<bool> FetchAsync(JwksKeySource source)
    {
        var fetch = source.InFlight;
        fetch.Should().NotBeNull("a fetch was started");
        return await fetch!.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
