using System.Globalization;
using System.Text.Json;
using CsCheck;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Properties;

/// <summary>
/// What <see cref="TokenIssuer"/> mints, its validator accepts and reads back unchanged, for every claim value: Unicode edge
/// cases (escapes, control characters, NUL, non-BMP scalars, U+2028, long strings), numbers across the whole range, booleans
/// and arrays; and a string that is not Unicode text is refused at minting, never signed as something else.
/// </summary>
public sealed class MintValidateRoundTripProperties
{
    private static readonly Gen<object> s_claimValue = Gen.Frequency(
        (4, PropertyGens.Text.Select(static s => (object)s)),
        (2, Gen.Long.Select(static n => (object)n)),
        (1, Gen.Double.Where(double.IsFinite).Select(static d => (object)d)),
        (1, Gen.Bool.Select(static b => (object)b)),
        (2, PropertyGens.Text.Array[0, 4].Select(static a => (object)a)));

    private static readonly Gen<AccessTokenDescriptor> s_descriptor = Gen.Select(
        PropertyGens.NonEmptyText,
        PropertyGens.NonEmptyText.Null(),
        PropertyGens.NonEmptyText.Null(),
        PropertyGens.ScopeName.Array[0, 4],
        Gen.Select(PropertyGens.Text, s_claimValue).Array[0, 6],
        static (subject, sessionId, clientId, scopes, claims) =>
        {
            var descriptor = new AccessTokenDescriptor { Subject = subject, SessionId = sessionId, ClientId = clientId };
            foreach (var scope in scopes.Distinct(StringComparer.Ordinal))
            {
                descriptor.Scopes.Add(scope);
            }

            // "c-" keeps custom names clear of the registered ones; a repeated name keeps its last value.
            foreach (var (name, value) in claims)
            {
                descriptor.Claims["c-" + name] = value;
            }

            return descriptor;
        });

    private readonly TokenIssuer _issuer = CreateIssuer();
    // The largest cap a validator (and an issuer) may have: long Unicode values escape to several bytes per character. The
    // issuer refuses a token over the cap before signing it, so every token it mints is within the validator's cap.
    private readonly TokenValidator _validator = Validators.For(TestKeys.Hs256, configure: static o => o.MaxTokenSize = MaxTokenSize);

    private const int MaxTokenSize = 64 * 1024;

    [Test]
    public void IssueThenValidate_AnyClaimValues_ReadBackExactly()
    {
        var buffer = new byte[_validator.ClaimsBufferSize];
        s_descriptor.Sample(
            descriptor =>
            {
                string token;
                try
                {
                    token = _issuer.Issue(descriptor).Token;
                }
                catch (ArgumentException ex) when (ex.Message.Contains("over the issuer's MaxTokenSize", StringComparison.Ordinal))
                {
                    // Refused at minting; TokenIssuerSizeTests holds the refusal to the exact length at the limit.
                    return;
                }

                token.Length.Should().BeLessThanOrEqualTo(MaxTokenSize);
                var result = _validator.ValidateToken(token);
                result.Error.Should().Be(TokenValidationError.None);
                var claims = result.Claims!;
                claims.Subject.Should().Be(descriptor.Subject);
                claims.SessionId.Should().Be(descriptor.SessionId);
                claims.ClientId.Should().Be(descriptor.ClientId);
                claims.Scopes.Should().Equal(descriptor.Scopes);
                foreach (var (name, expected) in descriptor.Claims)
                {
                    claims.TryGetClaim(name, out var actual).Should().BeTrue(name);
                    AssertSame(actual, expected, name);
                }

                // The zero-allocation form reads the same token the same way.
                _validator.TokenInto(token, buffer, out var view).Should().Be(TokenValidationError.None);
            },
            iter: PropertyGens.Iterations,
            threads: 1,
            print: Describe);
    }

    [Test]
    public void Issue_StringThatIsNotUnicodeText_IsRefusedWhereverItIs()
    {
        Gen.Select(PropertyGens.TextWithLoneSurrogate, Gen.Int[0, 4]).Sample(
            (lone, where) =>
            {
                var descriptor = new AccessTokenDescriptor { Subject = where == 0 ? lone : "s" };
                switch (where)
                {
                    case 1:
                        descriptor.SessionId = lone;
                        break;
                    case 2:
                        descriptor.ClientId = lone;
                        break;
                    case 3:
                        descriptor.Claims["note"] = lone;
                        break;
                    case 4:
                        descriptor.Claims[lone] = 1;
                        break;
                }

                FluentActions.Invoking(() => _issuer.Issue(descriptor)).Should().Throw<ArgumentException>().WithMessage("*surrogate*");
            },
            iter: PropertyGens.Iterations,
            threads: 1);
    }

    private static void AssertSame(JsonElement actual, object expected, string name)
    {
        switch (expected)
        {
            case string text:
                actual.GetString().Should().Be(text, name);
                break;
            case long number:
                actual.GetInt64().Should().Be(number, name);
                break;
            case double number:
                actual.GetDouble().Should().Be(number, name);
                break;
            case bool flag:
                actual.GetBoolean().Should().Be(flag, name);
                break;
            case string[] items:
                actual.EnumerateArray().Select(static e => e.GetString()).Should().Equal(items, name);
                break;
            default:
                Assert.Fail($"no comparison for {expected.GetType()}");
                break;
        }
    }

    private static string Describe(AccessTokenDescriptor d)
        => $"sub={Escape(d.Subject)} sid={Escape(d.SessionId)} client={Escape(d.ClientId)} scopes=[{string.Join(",", d.Scopes.Select(Escape))}] "
            + $"claims={{{string.Join(",", d.Claims.Select(static c => Escape(c.Key) + ":" + Escape(Convert.ToString(c.Value, CultureInfo.InvariantCulture))))}}}";

    private static string Escape(string? s) => s is null ? "null" : JsonSerializer.Serialize(s);

    private static TokenIssuer CreateIssuer()
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Hs256), TimeProvider = TestClock.Create(), MaxTokenSize = MaxTokenSize };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }
}
