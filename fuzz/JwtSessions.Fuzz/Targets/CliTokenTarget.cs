using System.Text;
using System.Text.Json;
using JwtSessions.Cli;
using JwtSessions.Cli.Commands;
using JwtSessions.Validation;

namespace JwtSessions.Fuzz.Targets;

/// <summary>
/// The command-line tool's token input: <c>jwtsessions inspect -</c> and <c>jwtsessions verify ... -</c> reading the input
/// from standard input, as a user pastes or pipes it. The first byte picks the mode: 0 inspect the rest, 1 verify the rest,
/// 2 verify a token signed with the fixture's key over the rest as payload (so verify's success path is reached).
/// </summary>
/// <remarks>
/// Oracles: inspect either prints the UNVERIFIED banner or fails with one of its own messages, never another exception's;
/// verify's exit code and its <c>invalid: CODE</c> line are exactly the library validator's verdict on the same text, and
/// an accepted token prints its payload as JSON.
/// </remarks>
internal sealed class CliTokenTarget : IFuzzTarget
{
    private static readonly Lazy<string> s_jwksFile = new(WriteJwks);
    private readonly TokenValidator _validator = FuzzFixture.CreateValidator();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        var rest = input[1..];
        switch (input[0] % 3)
        {
            case 0:
                Inspect(Encoding.UTF8.GetString(rest));
                break;
            case 1:
                Verify(Encoding.UTF8.GetString(rest));
                break;
            default:
                Verify(FuzzFixture.Sign(Encoding.UTF8.GetBytes(FuzzFixture.DefaultHeader), rest) + "\n");
                break;
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var token = FuzzFixture.Sign(FuzzFixture.DefaultHeader, FuzzFixture.DefaultPayload);
        yield return [0, .. Encoding.ASCII.GetBytes(token + "\n")];
        yield return [0, .. Encoding.ASCII.GetBytes("Bearer " + token + "\r\n")];
        yield return [0, .. Encoding.ASCII.GetBytes("a.b.c.d.e")];
        yield return [1, .. Encoding.ASCII.GetBytes(token + "\n")];
        yield return [1, .. Encoding.ASCII.GetBytes("Bearer " + token)];
        yield return [2, .. Encoding.UTF8.GetBytes(FuzzFixture.Payload("\"note\":\"\\u00e9\"")) ];
    }

    private static (int Exit, string Out, string Error) RunCli(string[] args, string stdin)
    {
        using var input = new StringReader(stdin);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CliApp.Run(args, input, output, error, FuzzFixture.Time);
        return (exit, output.ToString(), error.ToString());
    }

    private static void Inspect(string stdin)
    {
        var (exit, output, error) = RunCli(["inspect", "-"], stdin);
        switch (exit)
        {
            case ExitCodes.Success:
                OracleFailureException.Check(output.StartsWith(InspectCommand.UnverifiedBanner, StringComparison.Ordinal), "inspect succeeded without its UNVERIFIED banner.");
                break;
            case ExitCodes.UsageError:
                // The command's own refusals (CliException) all speak of "the input" or "the token's" part; anything else is
                // an exception that escaped the command.
                OracleFailureException.Check(
                    error.StartsWith("error: The input ", StringComparison.Ordinal) || error.StartsWith("error: The token's ", StringComparison.Ordinal),
                    $"inspect failed with a message that is not its own: {error}");
                OracleFailureException.Check(error.AsSpan().TrimEnd().IndexOfAny('\r', '\n') < 0, $"inspect printed more than one line on failure: {error}");
                break;
            default:
                throw new OracleFailureException($"inspect exited with {exit}.");
        }
    }

    private void Verify(string stdin)
    {
        string[] args =
        [
            "verify", "--jwks", s_jwksFile.Value, "--iss", FuzzFixture.Issuer, "--aud", FuzzFixture.Audience,
            "--at", FuzzFixture.NowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-",
        ];
        var (exit, output, error) = RunCli(args, stdin);

        // The library's verdict on the same text: one trailing newline (\n or \r\n) dropped, a header value when it has a
        // space or tab (docs/cli.md).
        var text = stdin.EndsWith("\r\n", StringComparison.Ordinal) ? stdin[..^2] : stdin.EndsWith('\n') ? stdin[..^1] : stdin;
        var expected = text.AsSpan().IndexOfAny(' ', '\t') >= 0 ? _validator.ValidateAuthorizationHeader(text) : _validator.ValidateToken(text);
        if (expected.IsValid)
        {
            OracleFailureException.Check(exit == ExitCodes.Success, $"verify exited {exit} ({error.TrimEnd()}) for a token the validator accepts.");
            using var document = JsonDocument.Parse(output);
            OracleFailureException.Check(document.RootElement.ValueKind == JsonValueKind.Object, "verify printed a payload that is not a JSON object.");
        }
        else
        {
            OracleFailureException.Check(exit == ExitCodes.Invalid, $"verify exited {exit} ({error.TrimEnd()}) for a token the validator rejects as {expected.Error}.");
            OracleFailureException.Check(
                error == $"invalid: {expected.Error.ToCode()}{Environment.NewLine}",
                $"verify said '{error.TrimEnd()}' for a token the validator rejects as {expected.Error.ToCode()}.");
            OracleFailureException.Check(output.Length == 0, "verify printed a payload for a rejected token.");
        }
    }

    private static string WriteJwks()
    {
        var path = Path.Combine(Path.GetTempPath(), $"jwtsessions-fuzz-{Environment.ProcessId}.jwks.json");
        File.WriteAllText(path, $$"""{"keys":[{{FuzzFixture.Key.ToJwk(includePrivateKey: true)}}]}""");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}
