using System.Text;
using JwtSessions.Revocation;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// Pins what the hot path allocates (STYLE.md §7): nothing for a cache hit or any rejection, and exactly the claims object
/// and its payload copy for a cold success (docs/benchmarks.md explains the constant).
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class AllocationTests
{
    /// <summary>The size of a <see cref="TokenClaims"/> on 64-bit .NET: object header, payload reference, claim offsets, times and lazy fields.</summary>
    private const long ClaimsObjectBytes = 160;

    private const int Iterations = 1000;

    private static readonly SigningKey s_key = TestKeys.Hs256;

    public static IEnumerable<TestCaseData> Rejections()
    {
        var token = RawToken.Valid(s_key);
        var firstDot = token.IndexOf('.', StringComparison.Ordinal);
        var lastDot = token.LastIndexOf('.');
        var otherKey = SigningKey.Generate(JwtAlgorithm.HS256, s_key.KeyId);
        yield return Case("not-a-token", TokenValidationError.Malformed, "NoDots");
        yield return Case(token[..20] + "!" + token[21..], TokenValidationError.Malformed, "NonBase64Url");
        yield return Case("Bearer " + new string('A', 16 * 1024), TokenValidationError.TooLarge, "Oversized");
        yield return Case("Bearer  " + token, TokenValidationError.InvalidAuthorizationHeader, "DoubleSpace");
        yield return Case(token.Replace('A', 'é'), TokenValidationError.Malformed, "NonAscii");
        yield return Case(RawToken.B64("""{"alg":"none","typ":"at+jwt"}""") + token[firstDot..(lastDot + 1)], TokenValidationError.UnsupportedAlgorithm, "AlgNone");
        yield return Case(RawToken.Sign("""{"alg":"HS256","kid":"nope","typ":"at+jwt"}""", RawToken.Payload(), s_key), TokenValidationError.UnknownKey, "UnknownKid");
        yield return Case(RawToken.Valid(otherKey), TokenValidationError.BadSignature, "BadSignature");
        yield return Case(RawToken.Valid(s_key, RawToken.Payload(exp: TestClock.StartSeconds - 3600)), TokenValidationError.Expired, "Expired");
        yield return Case(RawToken.Valid(s_key, RawToken.Payload(extra: "\"exp\":1")), TokenValidationError.Malformed, "DuplicateClaim");
        yield return Case(RawToken.Valid(s_key, RawToken.Payload().Replace(RawToken.Issuer, "https://evil.test", StringComparison.Ordinal)), TokenValidationError.WrongIssuer, "WrongIssuer");
        yield return Case(RawToken.Valid(s_key, RawToken.Payload().Replace("sid-1", "revoked", StringComparison.Ordinal)), TokenValidationError.Revoked, "Revoked");
        yield return Case(RawToken.Valid(s_key, RawToken.Payload().Replace("sid-1", "revok\\u0065d", StringComparison.Ordinal)), TokenValidationError.Revoked, "RevokedEscapedSid");

        static TestCaseData Case(string input, TokenValidationError error, string name)
            => new TestCaseData(input, error).SetName($"Validate_Rejection{name}_AllocatesNothing");
    }

    [TestCaseSource(nameof(Rejections))]
    public void Validate_Rejection_AllocatesNothing(string input, TokenValidationError error)
    {
        var validator = CreateValidator(cache: false);
        var utf8 = Encoding.UTF8.GetBytes(input);

        validator.Validate(input).Error.Should().Be(error);
        validator.Validate(utf8).Error.Should().Be(error);
        AllocatedPerCall(() => validator.Validate(input)).Should().Be(0);
        AllocatedPerCall(() => validator.Validate(utf8)).Should().Be(0);
    }

    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public void Validate_CachedToken_AllocatesNothing(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        var validator = CreateValidator(cache: true, key);
        var header = "Bearer " + RawToken.Valid(key);
        var utf8 = Encoding.ASCII.GetBytes(header);
        validator.Validate(header).IsValid.Should().BeTrue();

        AllocatedPerCall(() => validator.Validate(header)).Should().Be(0);
        AllocatedPerCall(() => validator.Validate(utf8)).Should().Be(0);
    }

    [Test]
    public void Validate_ColdToken_AllocatesOnlyClaimsAndPayloadCopy()
    {
        var validator = CreateValidator(cache: false);
        var header = "Bearer " + RawToken.Valid(s_key);
        var payloadBytes = Encoding.UTF8.GetByteCount(RawToken.Payload());
        var expected = ClaimsObjectBytes + ByteArrayBytes(payloadBytes);

        var utf8 = Encoding.ASCII.GetBytes(header);

        AllocatedPerCall(() => validator.Validate(header)).Should().Be(expected);
        AllocatedPerCall(() => validator.Validate(utf8)).Should().Be(expected);
    }

    [Test]
    public void Validate_ColdTokenClaimsReadOnce_AllocateOnlyOnFirstRead()
    {
        var result = CreateValidator(cache: false).Validate(RawToken.Valid(s_key));

        result.Subject.Should().Be("user-1");
        result.SessionId.Should().Be("sid-1");
        result.TokenId.Should().Be("jti-1");
        result.Audiences.Should().Equal(RawToken.Audience);
        AllocatedPerCall(() => (result.Subject, result.SessionId, result.TokenId, result.Audiences, result.Scopes, result.ExpiresAt)).Should().Be(0);
    }

    private static TokenValidator CreateValidator(bool cache, SigningKey? key = null)
    {
        var revocations = new RevocationList(TestClock.Create());
        revocations.Add("revoked", TestClock.Start.AddHours(1));
        var verification = key ?? s_key;
        verification = verification.KeyType == SigningKeyType.Symmetric ? verification : verification.ToPublicKey();
        return Validators.For(verification, configure: options =>
        {
            options.Revocations = revocations;
            options.Cache = cache ? new VerifiedTokenCacheOptions() : null;
        });
    }

    private static long ByteArrayBytes(int length) => 24 + ((length + 7) & ~7);

    private static long AllocatedPerCall<T>(Func<T> call)
    {
        for (var i = 0; i < Iterations; i++)
        {
            call();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Iterations;
    }
}
