using System.Text;
using System.Text.Json;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Fuzz.Targets;

/// <summary>
/// The JOSE header reader: the input is the header's JSON. It is read directly, then signed with the fixture's key over a
/// valid payload, so every verdict comes from the header and an accepted one reaches the differential oracle.
/// </summary>
internal sealed class HeaderTarget : IFuzzTarget
{
    private static readonly byte[][] s_types = [Encoding.UTF8.GetBytes("at+jwt")];
    private static readonly int s_algorithms = JoseHeaderReader.AlgorithmMask([JwtAlgorithm.HS256]);
    private static readonly byte[] s_payload = Encoding.UTF8.GetBytes(FuzzFixture.DefaultPayload);
    private readonly TokenValidator _validator = FuzzFixture.CreateValidator();

    public void Run(ReadOnlySpan<byte> input)
    {
        // The reader's precondition: the validator hands it at most MaxHeaderBytes (larger headers fail before it).
        var keys = _validator.Keys;
        SigningKey? key = null;
        var direct = input.Length <= JwsVerification.MaxHeaderBytes
            ? JoseHeaderReader.Read(input, keys, s_algorithms, s_types, out key)
            : TokenValidationError.Malformed;
        OracleFailureException.Check((direct == TokenValidationError.None) == (key is not null), $"The header reader said {direct} with key {key?.KeyId ?? "none"}.");

        var token = Encoding.ASCII.GetBytes(FuzzFixture.Sign(input, s_payload));
        var error = ValidationOracles.Check(_validator, token, isHeader: false);
        if (error == TokenValidationError.None)
        {
            OracleFailureException.Check(direct == TokenValidationError.None, $"The validator accepted a header its reader calls {direct}.");
            OracleFailureException.Check(JsonText.IsObjectWithDistinctNames(input), "An accepted header is not one JSON object with distinct member names.");
            using var document = JsonDocument.Parse(input.ToArray());
            var root = document.RootElement;
            OracleFailureException.Check(
                root.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String && alg.GetString() == "HS256",
                "An accepted header does not say exactly \"alg\":\"HS256\".");
            OracleFailureException.Check(!root.TryGetProperty("crit", out _), "An accepted header has crit.");
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        yield return Encoding.UTF8.GetBytes(FuzzFixture.DefaultHeader);
        yield return Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"application/at+jwt"}""");
        yield return Encoding.UTF8.GetBytes("""{"typ":"AT+JWT","kid":"fuzz-hs256","alg":"HS256","x":[1,{"y":null}]}""");
        yield return Encoding.UTF8.GetBytes("""{"alg":"HS256","kid":"fuzz-hs256","typ":"at+jwt","crit":["exp"],"exp":1}""");
        yield return Encoding.UTF8.GetBytes("""{"alg":"none","typ":"at+jwt"}""");
        yield return Encoding.UTF8.GetBytes("""{"alg":"HS256","kid":"fuzz\u002Dhs256","typ":"at\u002bjwt"}""");
    }
}
