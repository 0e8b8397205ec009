using System.Text.Json;
using JwtSessions.Cli.Tests.Support;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Tests.Commands;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class JwksCommandTests : IDisposable
{
    private static readonly string[] s_privateMembers = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = TestClock.Create();
    private readonly TempDirectory _files = new();

    [Test]
    public void Jwks_EveryAsymmetricKeyType_PrintsPublicMembersOnly()
    {
        var algorithms = TestKeys.AsymmetricAlgorithms.ToArray();
        var paths = algorithms.Select(a => _files.WriteKey(TestKeys.For(a))).ToArray();

        var result = CliRunner.Run(_time, ["jwks", .. paths]);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        using var set = JsonDocument.Parse(result.Stdout);
        var keys = set.RootElement.GetProperty("keys").EnumerateArray().ToArray();
        keys.Select(static k => k.GetProperty("alg").GetString()).Should().Equal(algorithms.Select(static a => a.GetName()));
        foreach (var key in keys)
        {
            key.EnumerateObject().Select(static m => m.Name).Should().NotContain(s_privateMembers);
        }

        var ring = KeyRing.FromJwks(result.Stdout);
        ring.Keys.Should().OnlyContain(static k => !k.CanSign);
    }

    [Test]
    public void Jwks_PublicKeyFile_IsAccepted()
    {
        var path = _files.WriteKey(TestKeys.Es256, includePrivateKey: false);

        var result = CliRunner.Run(_time, "jwks", path);

        result.ExitCode.Should().Be(ExitCodes.Success, result.ToString());
        KeyRing.FromJwks(result.Stdout).Keys.Should().ContainSingle().Which.KeyId.Should().Be(TestKeys.Es256.KeyId);
    }

    [Test]
    public void Jwks_HmacKey_ExitsWithUsageErrorAndDoesNotPrintTheSecret()
    {
        var secret = JsonDocument.Parse(TestKeys.Hs256.ToJwk(includePrivateKey: true)).RootElement.GetProperty("k").GetString()!;
        var paths = new[] { _files.WriteKey(TestKeys.Es256), _files.WriteKey(TestKeys.Hs256) };

        var result = CliRunner.Run(_time, ["jwks", .. paths]);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Contain("HMAC").And.Contain("cannot be published").And.NotContain(secret);
    }

    [Test]
    public void Jwks_DuplicateKid_ExitsWithUsageError()
    {
        var path = _files.WriteKey(TestKeys.Es256);

        var result = CliRunner.Run(_time, "jwks", path, path);

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("appears twice");
    }

    [Test]
    public void Jwks_MissingFile_ExitsWithUsageError()
    {
        var result = CliRunner.Run(_time, "jwks", _files.Missing("absent.jwk"));

        result.ExitCode.Should().Be(ExitCodes.UsageError);
        result.Stderr.Should().Contain("absent.jwk").And.Contain("does not exist");
    }

    public void Dispose() => _files.Dispose();
}
