using System.Buffers.Text;
using System.CommandLine;
using System.Text.Json;

namespace JwtSessions.Cli.Commands;

/// <summary><c>jwtsessions inspect TOKEN</c>: decodes header and payload without checking anything.</summary>
internal static class InspectCommand
{
    public const string UnverifiedBanner =
        "UNVERIFIED: decoded only. The signature, issuer, audience and lifetime were NOT checked; use 'jwtsessions verify' before trusting any of this.";

    public static Command Create(CliContext context)
    {
        var token = new Argument<string>("TOKEN")
        {
            Description = "The token, an Authorization header value (\"Bearer <token>\"), or - to read either from standard input.",
        };
        var command = new Command("inspect", "Print a token's header and payload as JSON, UNVERIFIED: nothing about the token is checked.")
        {
            token,
        };
        command.SetAction(parse => Run(context, parse.GetRequiredValue(token)));
        return command;
    }

    private static int Run(CliContext context, string tokenArgument)
    {
        var token = StripBearer(TokenInput.Read(tokenArgument, context.Input));
        var segments = token.Split('.');
        if (segments.Length == 5)
        {
            throw new CliException(
                "The input has five segments: it looks like an encrypted JWT (JWE, RFC 7516), which cannot be read without its key. JwtSessions only uses signed tokens (JWS).");
        }

        if (segments.Length != 3)
        {
            throw new CliException(
                $"The input is not a compact JWT: expected three base64url segments separated by '.', found {segments.Length}.");
        }

        var header = DecodeObject(segments[0], "header");
        var payload = DecodeObject(segments[1], "payload");
        context.Output.WriteLine(UnverifiedBanner);
        context.Output.WriteLine("Header:");
        context.Output.WriteLine(header);
        context.Output.WriteLine("Payload:");
        context.Output.WriteLine(payload);
        return ExitCodes.Success;
    }

    // Same header form the validator accepts (RFC 6750 §2.1): the scheme, one space, the token.
    private static string StripBearer(string input)
        => input.Length > 7 && input.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? input[7..] : input;

    private static string DecodeObject(string segment, string part)
    {
        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(segment);
        }
        catch (FormatException ex)
        {
            throw new CliException($"The token's {part} is not base64url (RFC 7515 §2).", ex);
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"The token's {part} decodes to JSON but not to a JSON object.");
            }

            try
            {
                return JsonOutput.Pretty(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // A string escape with an unpaired surrogate ("\ud800") parses but cannot be written again. Hostile tokens are
                // what this command is for, so it shows such a part as sent rather than giving up.
                return "(shown as sent, not indented: it has a string that is no valid Unicode text, such as an unpaired surrogate escape)"
                    + Environment.NewLine + JsonOutput.AsSent(json);
            }
        }
        catch (JsonException ex)
        {
            throw new CliException($"The token's {part} does not decode to JSON.", ex);
        }
    }
}
