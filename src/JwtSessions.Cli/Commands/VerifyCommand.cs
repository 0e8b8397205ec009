using System.CommandLine;
using JwtSessions.Validation;

namespace JwtSessions.Cli.Commands;

/// <summary>
/// <c>jwtsessions verify (--jwks FILE | --jwks-url URL) --iss ISS --aud AUD [--typ TYP] [--at UNIXSECONDS] [--skew SECONDS] TOKEN</c>:
/// runs the library's validator and reports its verdict.
/// </summary>
/// <remarks>
/// Exit 0 prints the payload on standard output. Exit 1 prints exactly one line, <c>invalid: CODE</c>, on standard error,
/// where CODE is <see cref="TokenValidationErrors.ToCode"/> of the error. Exit 2 is a usage or configuration error.
/// </remarks>
internal static class VerifyCommand
{
    /// <summary>The validator's default skew (<see cref="TokenValidatorOptions.ClockSkew"/>).</summary>
    public const long DefaultSkewSeconds = 30;

    /// <summary>The last second of year 9999, the validator's upper bound for a NumericDate.</summary>
    public const long MaxUnixSeconds = 253_402_300_799;

    public static Command Create(CliContext context)
    {
        var keysFile = new Option<string>("--jwks")
        {
            Description = "The keys to verify with: a JWK set, or a single JWK. Symmetric (HS*) keys work too, as a set of one kind.",
            HelpName = "FILE",
        };
        var keysUrl = new Option<string>("--jwks-url")
        {
            Description = "Fetch the keys from a published JWK set: https, or http to a loopback address. Public keys only; no redirect is followed.",
            HelpName = "URL",
        };
        var issuer = CliOptions.Text("--iss", "ISS", "The exact issuer (iss) the token must carry.", required: true);
        var audience = CliOptions.Text("--aud", "AUD", "An audience the token's aud must contain.", required: true);
        var type = CliOptions.Text("--typ", "TYP", "The accepted typ header (compared case-insensitively, with or without application/).", required: false);
        type.DefaultValueFactory = _ => TokenValidatorOptions.AccessTokenType;
        var at = CliOptions.Seconds("--at", "UNIXSECONDS", "Validate as of this time (Unix seconds) instead of now.", 0, MaxUnixSeconds, defaultValue: null);
        var skew = CliOptions.Seconds(
            "--skew",
            "SECONDS",
            $"The clock skew allowed on exp, nbf and iat, 0 to {(long)TokenValidatorOptions.MaxClockSkew.TotalSeconds}.",
            minimum: 0,
            maximum: (long)TokenValidatorOptions.MaxClockSkew.TotalSeconds,
            defaultValue: DefaultSkewSeconds);
        var token = new Argument<string>("TOKEN")
        {
            Description = "The token, an Authorization header value (\"Bearer <token>\"), or - to read either from standard input.",
        };
        var command = new Command("verify", "Validate a token with the library's validator. Valid: exit 0 and the payload on stdout. Invalid: exit 1 and 'invalid: CODE' on stderr.")
        {
            keysFile,
            keysUrl,
            issuer,
            audience,
            type,
            at,
            skew,
            token,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(keysFile) is null) == (result.GetResult(keysUrl) is null))
            {
                result.AddError("Give the keys with exactly one of --jwks FILE and --jwks-url URL.");
            }
        });
        command.SetAction(parse =>
        {
            var time = parse.GetResult(at) is null
                ? context.Time
                : new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(parse.GetValue(at)));
            var options = new TokenValidatorOptions
            {
                Issuer = parse.GetRequiredValue(issuer),
                TimeProvider = time,
                ClockSkew = TimeSpan.FromSeconds(parse.GetValue(skew)),
            };
            options.Audiences.Add(parse.GetRequiredValue(audience));
            options.AcceptedTypes.Clear();
            options.AcceptedTypes.Add(parse.GetRequiredValue(type));
            options.Keys = parse.GetValue(keysUrl) is { } url ? RemoteKeys.Fetch(url) : KeyFiles.LoadVerificationKeys(parse.GetRequiredValue(keysFile));
            return Run(context, options, parse.GetRequiredValue(token));
        });
        return command;
    }

    private static int Run(CliContext context, TokenValidatorOptions options, string tokenArgument)
    {
        var validator = new TokenValidator(options);
        // The library never guesses (ValidateAuthorizationHeader or ValidateToken); a person at a terminal pastes either, and a
        // compact JWS has no space or tab, so input with one is read as a header value and held to the header's rules.
        var input = TokenInput.Read(tokenArgument, context.Input);
        var result = input.AsSpan().IndexOfAny(' ', '\t') >= 0
            ? validator.ValidateAuthorizationHeader(input)
            : validator.ValidateToken(input);
        if (!result.IsValid)
        {
            context.Error.WriteLine($"invalid: {result.Error.ToCode()}");
            return ExitCodes.Invalid;
        }

        context.Output.WriteLine(JsonOutput.Pretty(result.Claims.Payload.Span));
        return ExitCodes.Success;
    }
}
