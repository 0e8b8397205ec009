using JwtSessions.Revocation;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Support;

internal static class Validators
{
    public static TokenValidator For(SigningKey key, TimeProvider? time = null, Action<TokenValidatorOptions>? configure = null)
        => For(KeyRing.ForVerification(key), time, configure);

    public static TokenValidator For(KeyRing keys, TimeProvider? time = null, Action<TokenValidatorOptions>? configure = null)
    {
        var options = new TokenValidatorOptions
        {
            Issuer = RawToken.Issuer,
            Keys = keys,
            TimeProvider = time ?? new FakeTimeProvider(TestClock.Start),
        };
        options.Audiences.Add(RawToken.Audience);
        configure?.Invoke(options);
        return new TokenValidator(options);
    }
}
