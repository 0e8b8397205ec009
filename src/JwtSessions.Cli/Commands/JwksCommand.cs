using System.CommandLine;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Commands;

/// <summary><c>jwtsessions jwks KEYFILE...</c>: prints the public JWK set of the given keys.</summary>
internal static class JwksCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("KEYFILE")
        {
            Description = "JWK files (private or public RSA, EC or OKP keys). Their order is kept.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("jwks", "Print the public JWK set (RFC 7517 §5) of the given keys, with no private member, for verifiers to fetch.")
        {
            files,
        };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(files)));
        return command;
    }

    private static int Run(CliContext context, string[] paths)
    {
        var keys = new List<SigningKey>(paths.Length);
        foreach (var path in paths)
        {
            var key = KeyFiles.LoadKey(path);
            if (key.KeyType == SigningKeyType.Symmetric)
            {
                throw new CliException(
                    $"'{path}' holds an HMAC key (kty \"oct\"): it is a shared secret with no public half and cannot be published. "
                    + "Give verifiers the JWK itself over a secure channel, or use an asymmetric algorithm.");
            }

            keys.Add(key.ToPublicKey());
        }

        KeyRing ring;
        try
        {
            ring = KeyRing.ForVerification(keys);
        }
        catch (InvalidSigningKeyException ex)
        {
            throw new CliException(ex.Message, ex);
        }

        context.Output.WriteLine(ring.ToJwks());
        return ExitCodes.Success;
    }
}
