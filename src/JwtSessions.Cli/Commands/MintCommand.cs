using System.CommandLine;
using JwtSessions.Issuance;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Commands;

/// <summary><c>jwtsessions mint --key KEYFILE --iss ISS --aud AUD --sub SUB [--ttl SECONDS] [--sid SID] [--claim NAME=VALUE]...</c>.</summary>
internal static class MintCommand
{
    /// <summary>The issuer's default lifetime (<see cref="TokenIssuerOptions.DefaultLifetime"/>).</summary>
    public const long DefaultTtlSeconds = 300;

    public static Command Create(CliContext context)
    {
        var keyFile = new Option<string>("--key")
        {
            Description = "A private JWK file: the signing key. Its alg and kid go into the token header.",
            HelpName = "KEYFILE",
            Required = true,
        };
        var issuer = CliOptions.Text("--iss", "ISS", "The issuer (iss).", required: true);
        var audience = CliOptions.Text("--aud", "AUD", "The audience (aud).", required: true);
        var subject = CliOptions.Text("--sub", "SUB", "The subject (sub), usually a user id.", required: true);
        var ttl = CliOptions.Seconds(
            "--ttl",
            "SECONDS",
            $"The lifetime in seconds, 1 to {(long)TokenIssuerOptions.MaxAllowedLifetime.TotalSeconds}.",
            minimum: 1,
            maximum: (long)TokenIssuerOptions.MaxAllowedLifetime.TotalSeconds,
            defaultValue: DefaultTtlSeconds);
        var sessionId = CliOptions.Text("--sid", "SID", "The session id (sid). Default: none.", required: false);
        var claims = new Option<string[]>("--claim")
        {
            Description = "A custom claim; repeat for more. VALUE becomes a JSON number if it is one, true or false as a boolean, else a string. Registered names (iss, sub, aud, exp, nbf, iat, jti, sid, scope, client_id, gen) are refused.",
            HelpName = "NAME=VALUE",
        };
        var command = new Command("mint", "Mint a signed access token (typ at+jwt, RFC 9068) and print it in compact form.")
        {
            keyFile,
            issuer,
            audience,
            subject,
            ttl,
            sessionId,
            claims,
        };
        command.SetAction(parse =>
        {
            var descriptor = new AccessTokenDescriptor
            {
                Subject = parse.GetRequiredValue(subject),
                SessionId = parse.GetValue(sessionId),
                Lifetime = TimeSpan.FromSeconds(parse.GetValue(ttl)),
            };
            foreach (var (name, value) in ClaimArguments.Parse(parse.GetValue(claims) ?? []))
            {
                descriptor.Claims.Add(name, value);
            }

            return Run(context, parse.GetRequiredValue(keyFile), parse.GetRequiredValue(issuer), parse.GetRequiredValue(audience), descriptor);
        });
        return command;
    }

    private static int Run(CliContext context, string keyFile, string issuer, string audience, AccessTokenDescriptor descriptor)
    {
        var key = KeyFiles.LoadKey(keyFile);
        if (!key.CanSign)
        {
            throw new CliException($"'{keyFile}' holds a public key; minting needs the private JWK (the one with \"d\").");
        }

        var options = new TokenIssuerOptions
        {
            Issuer = issuer,
            Keys = KeyRing.Create(key),
            TimeProvider = context.Time,
            MaxLifetime = TokenIssuerOptions.MaxAllowedLifetime,
        };
        options.Audiences.Add(audience);
        var token = new TokenIssuer(options).Issue(descriptor);
        context.Output.WriteLine(token.Token);
        return ExitCodes.Success;
    }
}
