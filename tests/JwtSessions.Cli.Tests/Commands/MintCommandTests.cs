using System.Text.Json;
using JwtSessions.Cli.Tests.Support;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Tests.Commands;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class MintCommandTests : IDisposable
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "api://test";

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();
    private readonly TempDirectory _files = new();

    [TestCaseSource(typeof(TestKeys), nameof(TestKeys.AllAlgorithms))]
    public void Mint_ThenVerify_ExitsZeroWithThePayload(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        var keyFile = _files.WriteKey(key);
        var jwks = key.KeyType == SigningKeyType.Symmetric ? keyFile : _files.Write("jwks.json", KeyRing.Create(key).ToJwks());

        var minted = CliRunner.Run(_time, "mint", "--key", keyFile, "--iss", Issuer, "--aud", Audience, "--sub", "alice", "--sid", "s-1");
        minted.ExitCode.Should().Be(ExitCodes.Success, minted.ToString());
        var token = minted.Stdout.TrimEnd('\n', '\r');

        var verified = CliRunner.Run(_time, "verify", "--jwks", jwks, "--iss", Issuer, "--aud", Audience, token);

        verified.ExitCode.Should().Be(ExitCodes.Success, verified.ToString());
        verified.Stderr.Should().BeEmpty();
        using var payload = JsonDocument.Parse(verified.Stdout);
        payload.RootElement.GetProperty("iss").GetString().Should().Be(Issuer);
        payload.RootElement.GetProperty("aud").GetString().Should().Be(Audience);
        payload.RootElement.GetProperty("sub").GetString().Should().Be("alice");
        payload.RootElement.GetProperty("sid").GetString().Should().Be("s-1");
        payload.RootElement.GetProperty("iat").GetInt64().Should().Be(TestClock.StartSeconds);
        payload.RootElement.GetProperty("exp").GetInt64().Should().Be(TestClock.StartSeconds + 300);
    }

    [Test]
    public void Mint_Ttl_SetsExpiry()
    {
        var result = Mint("--ttl", "60");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        Payload(result.Stdout).GetProperty("exp").GetInt64().Should().Be(TestClock.StartSeconds + 60);
    }

    [Test]
    public void Mint_Claims_NumbersAndBooleansAreTypedAndTheRestAreStrings()
    {
        var result = Mint(
            "--claim", "n=42",
            "--claim", "f=-1.5e3",
            "--claim", "yes=true",
            "--claim", "no=false",
            "--claim", "zip=007",
            "--claim", "nil=null",
            "--claim", "quoted=\"x\"",
            "--claim", "spaced= 1",
            "--claim", "eq=a=b",
            "--claim", "empty=",
            "--claim", "role=admin");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        var payload = Payload(result.Stdout);
        payload.GetProperty("n").GetRawText().Should().Be("42");
        payload.GetProperty("f").GetRawText().Should().Be("-1.5e3");
        payload.GetProperty("yes").ValueKind.Should().Be(JsonValueKind.True);
        payload.GetProperty("no").ValueKind.Should().Be(JsonValueKind.False);
        payload.GetProperty("zip").GetString().Should().Be("007");
        payload.GetProperty("nil").GetString().Should().Be("null");
        payload.GetProperty("quoted").GetString().Should().Be("\"x\"");
        payload.GetProperty("spaced").GetString().Should().Be(" 1");
        payload.GetProperty("eq").GetString().Should().Be("a=b");
        payload.GetProperty("empty").GetString().Should().BeEmpty();
        payload.GetProperty("role").GetString().Should().Be("admin");
    }

    [TestCase("sub")]
    [TestCase("exp")]
    [TestCase("jti")]
    [TestCase("gen")]
    public void Mint_ReservedClaim_ExitsWithUsageError(string name)
    {
        var result = Mint("--claim", $"{name}=x");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Contain($"'{name}' is a registered claim");
    }

    [TestCase("novalue")]
    [TestCase("=value")]
    public void Mint_ClaimWithoutName_ExitsWithUsageError(string claim)
    {
        Mint("--claim", claim).ExitCode.Should().Be(ExitCodes.UsageError);
    }

    [Test]
    public void Mint_RepeatedClaim_ExitsWithUsageError()
    {
        Mint("--claim", "a=1", "--claim", "a=2").Stderr.Should().Contain("given twice");
    }

    [TestCase("0")]
    [TestCase("86401")]
    [TestCase("ten")]
    public void Mint_TtlOutOfRange_ExitsWithUsageError(string ttl)
    {
        var result = Mint("--ttl", ttl);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("--ttl");
    }

    [Test]
    public void Mint_PublicKey_ExitsWithUsageError()
    {
        var keyFile = _files.WriteKey(TestKeys.Es256, includePrivateKey: false);

        var result = CliRunner.Run(_time, "mint", "--key", keyFile, "--iss", Issuer, "--aud", Audience, "--sub", "alice");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("public key");
    }

    [Test]
    public void Mint_WeakHmacKey_ExitsWithUsageError()
    {
        var keyFile = _files.Write("weak.jwk", """{"kty":"oct","alg":"HS256","kid":"weak","k":"c2hvcnQtc2VjcmV0"}""");

        var result = CliRunner.Run(_time, "mint", "--key", keyFile, "--iss", Issuer, "--aud", Audience, "--sub", "alice");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("at least 32 bytes").And.NotContain("c2hvcnQtc2VjcmV0");
    }

    [Test]
    public void Mint_EmptySubject_ExitsWithUsageError()
    {
        var keyFile = _files.WriteKey(TestKeys.Es256);

        var result = CliRunner.Run(_time, "mint", "--key", keyFile, "--iss", Issuer, "--aud", Audience, "--sub", string.Empty);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("--sub must not be empty");
    }

    [Test]
    public void Mint_JwkSetAsKey_ExitsWithUsageError()
    {
        var keyFile = _files.Write("set.json", KeyRing.Create(TestKeys.Es256).ToJwks());

        var result = CliRunner.Run(_time, "mint", "--key", keyFile, "--iss", Issuer, "--aud", Audience, "--sub", "alice");

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("JWK set");
    }

    private CliResult Mint(params string[] extra)
    {
        var keyFile = _files.WriteKey(TestKeys.Es256);
        return CliRunner.Run(_time, ["mint", "--key", keyFile, "--iss", Issuer, "--aud", Audience, "--sub", "alice", .. extra]);
    }

    private static JsonElement Payload(string token)
    {
        var segment = token.TrimEnd('\n', '\r').Split('.')[1];
        return JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(segment)).RootElement;
    }

    public void Dispose() => _files.Dispose();
}
