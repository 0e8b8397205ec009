using System.CommandLine;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Commands;

/// <summary><c>jwtsessions keygen --alg ALG [--kid KID]</c>: prints a new private JWK.</summary>
internal static class KeygenCommand
{
    public static Command Create(CliContext context)
    {
        var algorithm = CliOptions.Algorithm("The algorithm the key is bound to.");
        var keyId = CliOptions.Text(
            "--kid",
            "KID",
            "The key id. Default: the RFC 7638 thumbprint for RSA, EC and OKP keys, 128 random bits for HMAC keys.",
            required: false);
        var command = new Command("keygen", "Generate a signing key and print it as a private JWK (with alg and kid). The output is a secret: store it, do not log it.")
        {
            algorithm,
            keyId,
        };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(algorithm), parse.GetValue(keyId)));
        return command;
    }

    private static int Run(CliContext context, JwtAlgorithm algorithm, string? keyId)
    {
        SigningKey key;
        try
        {
            key = SigningKey.Generate(algorithm, keyId);
        }
        catch (InvalidSigningKeyException ex)
        {
            throw new CliException(ex.Message, ex);
        }

        // The one place the tool prints private material, because that is what was asked for.
        context.Output.WriteLine(key.ToJwk(includePrivateKey: true));
        return ExitCodes.Success;
    }
}
