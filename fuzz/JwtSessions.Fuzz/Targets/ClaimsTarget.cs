using System.Text;
using JwtSessions.Internal;
using JwtSessions.Validation;

namespace JwtSessions.Fuzz.Targets;

/// <summary>
/// The claims readers: the input is the payload's JSON. The flat scanner and the <see cref="System.Text.Json.Utf8JsonReader"/>
/// path must agree on every payload the scanner reads; then the payload is signed with the fixture's key under a valid
/// header and validated, so claim checks and the differential oracle see it.
/// </summary>
internal sealed class ClaimsTarget : IFuzzTarget
{
    private static readonly byte[] s_issuer = Encoding.UTF8.GetBytes(FuzzFixture.Issuer);
    private static readonly byte[][] s_audiences = [Encoding.UTF8.GetBytes(FuzzFixture.Audience), "api://other"u8.ToArray()];
    private static readonly byte[] s_header = Encoding.UTF8.GetBytes(FuzzFixture.DefaultHeader);
    private readonly TokenValidator _validator = FuzzFixture.CreateValidator();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (FlatPayloadScanner.TryScan(input, s_issuer, s_audiences, out var fast))
        {
            var full = ClaimsReader.Read(input, new byte[2 * input.Length], s_issuer, s_audiences, out var slots);
            OracleFailureException.Check(full == TokenValidationError.None, $"The flat scanner read a payload the full reader rejects as {full}.");
            OracleFailureException.Check(fast == slots, $"The readers disagree: flat {fast}, full {slots}.");
        }

        var token = Encoding.ASCII.GetBytes(FuzzFixture.Sign(s_header, input));
        var error = ValidationOracles.Check(_validator, token, isHeader: false);
        if (error == TokenValidationError.None)
        {
            OracleFailureException.Check(JsonText.IsObjectWithDistinctNames(input), "An accepted payload is not one JSON object with distinct member names.");
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var now = FuzzFixture.NowSeconds;
        yield return Encoding.UTF8.GetBytes(FuzzFixture.DefaultPayload);
        yield return Encoding.UTF8.GetBytes(FuzzFixture.Payload("\"scope\":\"a b\",\"client_id\":\"web\",\"sid\":\"s\",\"gen\":3,\"nbf\":" + now));
        yield return Encoding.UTF8.GetBytes(FuzzFixture.Payload("\"roles\":[\"x\",\"y\"],\"n\":-1.5e3,\"t\":true,\"z\":null,\"o\":{\"a\":[1]}"));
        yield return Encoding.UTF8.GetBytes(FuzzFixture.Payload("\"e\":\"\\u00e9\\n\\ud83d\\ude00\"").Replace("\"sub\":\"user-1\"", "\"s\\u0075b\":\"user-1\"", StringComparison.Ordinal));
        yield return Encoding.UTF8.GetBytes($$"""{ "iss" : "{{FuzzFixture.Issuer}}", "aud" : ["x","{{FuzzFixture.Audience}}"], "exp" : {{now + 60}}.5, "iat" : {{now}} }""");
        yield return Encoding.UTF8.GetBytes($$"""{"iss":"{{FuzzFixture.Issuer}}","aud":"{{FuzzFixture.Audience}}","exp":{{now - 29}},"nbf":{{now + 29}},"iat":{{now + 29}}}""");
    }
}
