using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using JwtSessions.Cli.Tests.Support;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Tests.Commands;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class VerifyCommandTests : IDisposable
{
    private const string Issuer = "https://issuer.test";
    private const string Audience = "api://test";
    private const long TtlSeconds = 300;

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();
    private readonly TempDirectory _files = new();
    private readonly string _jwks;
    private readonly string _token;

    public VerifyCommandTests()
    {
        _jwks = _files.Write("jwks.json", KeyRing.Create(TestKeys.Es256).ToJwks());
        var minted = CliRunner.Run(_time, "mint", "--key", _files.WriteKey(TestKeys.Es256), "--iss", Issuer, "--aud", Audience, "--sub", "alice");
        minted.ExitCode.Should().Be(ExitCodes.Success, minted.ToString());
        _token = minted.Stdout.TrimEnd('\n', '\r');
    }

    [Test]
    public void Verify_ValidToken_ExitsZeroWithPayloadOnStdout()
    {
        var result = Verify(_token);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        result.Stderr.Should().BeEmpty();
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("sub").GetString().Should().Be("alice");
    }

    [Test]
    public void Verify_WrongAudience_ExitsOneWithWrongAudience()
    {
        var result = CliRunner.Run(_time, "verify", "--jwks", _jwks, "--iss", Issuer, "--aud", "api://other", _token);

        ExpectInvalid(result, "wrong_audience");
    }

    [Test]
    public void Verify_WrongIssuer_ExitsOneWithWrongIssuer()
    {
        var result = CliRunner.Run(_time, "verify", "--jwks", _jwks, "--iss", "https://evil.test", "--aud", Audience, _token);

        ExpectInvalid(result, "wrong_issuer");
    }

    [Test]
    public void Verify_TamperedPayload_ExitsOneWithBadSignature()
    {
        var segments = _token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(segments[1])).Replace("\"alice\"", "\"admin\"", StringComparison.Ordinal);
        var tampered = $"{segments[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload))}.{segments[2]}";

        ExpectInvalid(Verify(tampered), "bad_signature");
    }

    [Test]
    public void Verify_AtAfterExpiryPlusSkew_ExitsOneWithExpired()
    {
        var at = (TestClock.StartSeconds + TtlSeconds + 30).ToString(CultureInfo.InvariantCulture);

        ExpectInvalid(Verify(_token, "--at", at), "expired");
    }

    [Test]
    public void Verify_AtJustBeforeExpiryPlusSkew_IsValid()
    {
        var at = (TestClock.StartSeconds + TtlSeconds + 29).ToString(CultureInfo.InvariantCulture);

        Verify(_token, "--at", at).ExitCode.Should().Be(ExitCodes.Success);
    }

    [Test]
    public void Verify_SkewZeroAtExpiry_ExitsOneWithExpired()
    {
        var at = (TestClock.StartSeconds + TtlSeconds).ToString(CultureInfo.InvariantCulture);

        ExpectInvalid(Verify(_token, "--at", at, "--skew", "0"), "expired");
    }

    [Test]
    public void Verify_AtBeforeIssue_ExitsOneWithNotYetValid()
    {
        var at = (TestClock.StartSeconds - 3600).ToString(CultureInfo.InvariantCulture);

        ExpectInvalid(Verify(_token, "--at", at), "not_yet_valid");
    }

    [Test]
    public void Verify_WallClockMovesPastExpiry_ExitsOneWithExpired()
    {
        _time.Advance(TimeSpan.FromSeconds(TtlSeconds + 30));

        ExpectInvalid(Verify(_token), "expired");
    }

    [Test]
    public void Verify_OtherTyp_ExitsOneWithWrongType()
    {
        ExpectInvalid(Verify(_token, "--typ", "JWT"), "wrong_type");
    }

    [Test]
    public void Verify_BearerHeader_IsValid()
    {
        Verify("Bearer " + _token).ExitCode.Should().Be(ExitCodes.Success);
    }

    [Test]
    public void Verify_BearerHeaderWithTwoSpaces_ExitsOneWithInvalidAuthorizationHeader()
    {
        ExpectInvalid(Verify("Bearer  " + _token), "invalid_authorization_header");
    }

    [TestCase("\n")]
    [TestCase("\r\n")]
    [TestCase("")]
    public void Verify_DashReadsStdinAndTrimsOneNewline_IsValid(string newline)
    {
        var result = CliRunner.RunWithInput(_time, _token + newline, "verify", "--jwks", _jwks, "--iss", Issuer, "--aud", Audience, "-");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
    }

    [Test]
    public void Verify_DashWithBearerHeaderOnStdin_IsValid()
    {
        var result = CliRunner.RunWithInput(_time, "Bearer " + _token + "\n", "verify", "--jwks", _jwks, "--iss", Issuer, "--aud", Audience, "-");

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
    }

    [Test]
    public void Verify_DashWithTwoNewlines_TrimsOnlyOneAndRejects()
    {
        var result = CliRunner.RunWithInput(_time, _token + "\n\n", "verify", "--jwks", _jwks, "--iss", Issuer, "--aud", Audience, "-");

        ExpectInvalid(result, "malformed");
    }

    [Test]
    public void Verify_HugeStdin_ExitsOneWithTooLarge()
    {
        var result = CliRunner.RunWithInput(_time, new string('a', 3 * 1024 * 1024), "verify", "--jwks", _jwks, "--iss", Issuer, "--aud", Audience, "-");

        ExpectInvalid(result, "too_large");
    }

    [Test]
    public void Verify_Garbage_ExitsOneWithMalformed()
    {
        ExpectInvalid(Verify("not-a-token"), "malformed");
    }

    [Test]
    public void Verify_SingleJwkFile_IsValid()
    {
        var keyFile = _files.WriteKey(TestKeys.Es256, "public.jwk", includePrivateKey: false);

        var result = CliRunner.Run(_time, "verify", "--jwks", keyFile, "--iss", Issuer, "--aud", Audience, _token);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
    }

    [Test]
    public void Verify_HmacTokenWithSymmetricJwks_IsValidAndPrintsNoSecret()
    {
        var keyFile = _files.WriteKey(TestKeys.Hs256);
        var secret = JsonDocument.Parse(File.ReadAllText(keyFile)).RootElement.GetProperty("k").GetString()!;
        var jwks = _files.Write("hs-jwks.json", $$"""{"keys":[{{File.ReadAllText(keyFile)}}]}""");
        var token = CliRunner.Run(_time, "mint", "--key", keyFile, "--iss", Issuer, "--aud", Audience, "--sub", "alice").Stdout.TrimEnd();

        var result = CliRunner.Run(_time, "verify", "--jwks", jwks, "--iss", Issuer, "--aud", Audience, token);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        (result.Stdout + result.Stderr).Should().NotContain(secret);
    }

    [Test]
    public void Verify_KeyOfAnotherIssuer_ExitsOneWithUnknownKey()
    {
        var other = SigningKey.Generate(JwtAlgorithm.ES256, "other");
        var jwks = _files.Write("other.json", KeyRing.Create(other).ToJwks());

        var result = CliRunner.Run(_time, "verify", "--jwks", jwks, "--iss", Issuer, "--aud", Audience, _token);

        ExpectInvalid(result, "unknown_key");
    }

    [Test]
    public void Verify_MissingJwksFile_ExitsWithUsageError()
    {
        var result = CliRunner.Run(_time, "verify", "--jwks", _files.Missing("nope.json"), "--iss", Issuer, "--aud", Audience, _token);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Contain("nope.json").And.Contain("does not exist");
    }

    [Test]
    public void Verify_WeakHmacJwk_ExitsWithUsageError()
    {
        var weak = _files.Write("weak.jwk", """{"kty":"oct","alg":"HS256","kid":"weak","k":"c2hvcnQtc2VjcmV0"}""");

        var result = CliRunner.Run(_time, "verify", "--jwks", weak, "--iss", Issuer, "--aud", Audience, _token);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("at least 32 bytes").And.NotContain("c2hvcnQtc2VjcmV0");
    }

    [TestCase("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}", "no \"alg\"")]
    [TestCase("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\",\"y\":\"AAAA\"}]}", "32 bytes")]
    [TestCase("{\"keys\": 5}", "JWK set")]
    [TestCase("[1,2]", "not a JSON object")]
    [TestCase("{\"kty\":", "not valid JSON")]
    public void Verify_BadJwk_ExitsWithUsageError(string content, string message)
    {
        var file = _files.Write("bad.json", content);

        var result = CliRunner.Run(_time, "verify", "--jwks", file, "--iss", Issuer, "--aud", Audience, _token);

        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stderr.Should().StartWith("error: ").And.Contain(message);
    }

    [TestCase("--skew", "301")]
    [TestCase("--skew", "-1")]
    [TestCase("--at", "soon")]
    [TestCase("--at", "253402300800")]
    public void Verify_BadTimeOption_ExitsWithUsageError(string option, string value)
    {
        var result = Verify(_token, option, value);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain(option);
    }

    private CliResult Verify(string token, params string[] extra)
        => CliRunner.Run(_time, ["verify", "--jwks", _jwks, "--iss", Issuer, "--aud", Audience, .. extra, token]);

    private static void ExpectInvalid(CliResult result, string code)
    {
        result.ExitCode.Should().Be(ExitCodes.Invalid, result.ToString());
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Be($"invalid: {code}{Environment.NewLine}");
    }

    public void Dispose() => _files.Dispose();

    [Test]
    [Platform(Exclude = "Win", Reason = "a named pipe made with mkfifo")]
    public void Verify_JwksOverOneMiBThroughAPipe_IsRefusedAsTooLarge()
    {
        // A pipe (--jwks <(...)) reports a length of 0: the cap must hold while reading, not only on the file's length.
        var padded = KeyRing.Create(TestKeys.Es256).ToJwks()[..^1] + new string(' ', 2 * 1024 * 1024) + "}";
        var fifo = Path.Combine(_files.Path, "jwks.fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)!)
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }

        // The writer blocks until the reader opens the pipe, and fails (EPIPE) once the reader stops at the cap.
        var writer = Task.Run(() =>
        {
            try
            {
                File.WriteAllText(fifo, padded);
            }
            catch (IOException)
            {
            }
        });

        var result = CliRunner.Run(_time, "verify", "--jwks", fifo, "--iss", Issuer, "--aud", Audience, "x.y.z");

        writer.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("the reader closed the pipe");
        result.ExitCode.Should().Be(ExitCodes.UsageError, result.ToString());
        result.Stderr.Should().Contain("larger than 1024 KiB");
    }
}
