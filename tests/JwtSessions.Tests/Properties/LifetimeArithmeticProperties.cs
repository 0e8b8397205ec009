using System.Globalization;
using System.Numerics;
using CsCheck;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Properties;

/// <summary>
/// docs/validation.md, steps 16 and 19: exp, nbf and iat anywhere in (and beyond) their range, as integers, fractions and
/// exponents, against any clock from 1970 to year 9999 and any skew up to the maximum. The validator's verdict must equal a
/// model computed in exact arithmetic (<see cref="BigInteger"/>): nothing overflows into acceptance, nothing is rounded toward it.
/// </summary>
public sealed class LifetimeArithmeticProperties
{
    private const long MaxSeconds = 253_402_300_800;

    /// <summary>Fractions a double holds exactly, so the model's exact milliseconds and the reader's are the same number.</summary>
    private static readonly string[] s_fractions = [".5", ".25", ".75", ".125", ".875", ".0625", ".0", ".000"];

    private static readonly string[] s_extremes =
    [
        "0", "-0", "-1", "1", "253402300799", "253402300800", "253402300799.875", "9223372036854775807", "9223372036854775808",
        "-9223372036854775808", "18446744073709551616", "1e309", "-1e309", "1e19", "1.5e10", "2.53402300799e11", "0.0625",
        "1E3", "9223372036854775.807", "4.9e-324", "123456789012345678901234567890",
    ];

    [Test]
    public void Validate_ExtremeTimesAndSkews_AgreeWithExactArithmetic()
    {
        var clock = Gen.Frequency(
            (2, Gen.Long[0, 10_000_000]),
            (3, Gen.Long[0, (MaxSeconds * 1000) - 1]),
            (2, Gen.Long[1, 10_000_000].Select(static back => (MaxSeconds * 1000) - back)));
        var skew = Gen.Frequency((1, Gen.Const(0)), (1, Gen.Const(30_000)), (1, Gen.Const(300_000)), (2, Gen.Int[0, 300_000]));
        var verdicts = new HashSet<TokenValidationError>();

        Gen.Select(clock, skew, Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue]).Sample(
            (nowMs, skewMs, expSeed, nbfSeed, iatSeed) =>
            {
                var nowSeconds = nowMs / 1000;
                var exp = NumericDate(nowSeconds, skewMs, expSeed);
                var iat = NumericDate(nowSeconds, skewMs, iatSeed);
                var nbf = nbfSeed % 3 == 0 ? null : NumericDate(nowSeconds, skewMs, nbfSeed);
                var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(nowMs));
                var validator = Validators.For(TestKeys.Hs256, time, o => o.ClockSkew = TimeSpan.FromMilliseconds(skewMs));
                var payload = $$"""{"iss":"{{RawToken.Issuer}}","sub":"u","aud":"{{RawToken.Audience}}","jti":"j","exp":{{exp}},"iat":{{iat}}{{(nbf is null ? "" : ",\"nbf\":" + nbf)}}}""";
                var token = RawToken.Sign(RawToken.Header(TestKeys.Hs256), payload, TestKeys.Hs256);

                var expected = Model(nowMs, skewMs, exp, nbf, iat);
                verdicts.Add(expected);
                validator.ValidateToken(token).Error.Should().Be(expected, "now {0} ms, skew {1} ms, payload {2}", nowMs, skewMs, payload);
                validator.TokenInto(token, new byte[validator.ClaimsBufferSize], out _).Should().Be(expected);
            },
            iter: 2 * PropertyGens.Iterations,
            threads: 1);

        // Every verdict must be reached, or the comparison proves little.
        verdicts.Should().BeEquivalentTo(
            [TokenValidationError.None, TokenValidationError.Expired, TokenValidationError.NotYetValid, TokenValidationError.IssuedInFuture, TokenValidationError.InvalidClaim]);
    }

    /// <summary>A NumericDate's text: near now and its skew edges (whole, fractional, exponent), or an extreme.</summary>
    private static string NumericDate(long nowSeconds, int skewMs, int seed)
    {
        var random = new Random(seed);
        var skewSeconds = skewMs / 1000;
        var near = nowSeconds + random.Next(-2, 3) + (random.Next(3) switch { 0 => 0, 1 => skewSeconds, _ => -skewSeconds });
        return random.Next(6) switch
        {
            0 => s_extremes[random.Next(s_extremes.Length)],
            1 => near + s_fractions[random.Next(s_fractions.Length)],
            2 => near % 10 == 0 && near != 0 ? (near / 10).ToString(CultureInfo.InvariantCulture) + "e1" : near.ToString(CultureInfo.InvariantCulture),
            3 => (near + random.NextInt64(-400_000, 400_000)).ToString(CultureInfo.InvariantCulture),
            _ => near.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>RFC 7519 §2 and §4.1.4-§4.1.6 in exact arithmetic: the reader's range, then the lifetime checks in their order.</summary>
    private static TokenValidationError Model(long nowMs, long skewMs, string exp, string? nbf, string iat)
    {
        // The reader checks each claim as it meets it (exp, iat, then nbf in the payload above): any invalid one is InvalidClaim.
        if (!TryMilliseconds(exp, out var expMs) || !TryMilliseconds(iat, out var iatMs))
        {
            return TokenValidationError.InvalidClaim;
        }

        BigInteger? nbfMs = null;
        if (nbf is not null)
        {
            if (!TryMilliseconds(nbf, out var value))
            {
                return TokenValidationError.InvalidClaim;
            }

            nbfMs = value;
        }

        BigInteger now = nowMs;
        if (now >= expMs + skewMs)
        {
            return TokenValidationError.Expired;
        }

        if (nbfMs is { } notBefore && now + skewMs < notBefore)
        {
            return TokenValidationError.NotYetValid;
        }

        return iatMs > now + skewMs ? TokenValidationError.IssuedInFuture : TokenValidationError.None;
    }

    /// <summary>A NumericDate in whole milliseconds (fractions floored), or false outside 0 &lt;= v &lt; year 10000.</summary>
    private static bool TryMilliseconds(string text, out BigInteger milliseconds)
    {
        milliseconds = 0;
        var mantissa = text;
        var exponent = 0;
        var e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            mantissa = text[..e];
            exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        }

        var negative = mantissa.StartsWith('-');
        mantissa = mantissa.TrimStart('-');
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa[..dot] + mantissa[(dot + 1)..];
        exponent -= dot < 0 ? 0 : mantissa.Length - dot - 1;

        // value = digits * 10^exponent; milliseconds = floor(value * 1000).
        var scaled = BigInteger.Parse(digits, CultureInfo.InvariantCulture);
        var power = exponent + 3;
        if (scaled.IsZero)
        {
            return true;
        }

        if (negative)
        {
            return false;
        }

        if (power > 400)
        {
            return false;
        }

        milliseconds = power >= 0 ? scaled * BigInteger.Pow(10, power) : scaled / BigInteger.Pow(10, -power);
        var secondsTimesThousand = MaxSeconds * (BigInteger)1000;
        return milliseconds < secondsTimesThousand;
    }
}
