using System.Text;

namespace JwtSessions.Fuzz.Targets;

/// <summary>
/// The <c>Authorization</c> header and compact-JWS parser: the input is taken as a header value and as a bare token, through
/// every overload (docs/validation.md, steps 1 to 8 and beyond when the bytes get that far).
/// </summary>
internal sealed class AuthorizationTarget : IFuzzTarget
{
    private readonly Validation.TokenValidator _validator = FuzzFixture.CreateValidator();

    public void Run(ReadOnlySpan<byte> input)
    {
        ValidationOracles.Check(_validator, input, isHeader: true);
        ValidationOracles.Check(_validator, input, isHeader: false);
    }

    public IEnumerable<byte[]> Seeds()
    {
        var token = FuzzFixture.Sign(FuzzFixture.DefaultHeader, FuzzFixture.DefaultPayload);
        yield return Encoding.ASCII.GetBytes("Bearer " + token);
        yield return Encoding.ASCII.GetBytes(token);
        yield return Encoding.ASCII.GetBytes("bearer " + token[..^2] + "AA");
        yield return Encoding.ASCII.GetBytes("Bearer  " + token);
    }
}
