using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// One named input of the adversarial corpus (docs/security.md, attack classes), the validator it is aimed at, and the error it must
/// produce; <see cref="TokenValidationError.None"/> marks an input that must be accepted, with <see cref="Verify"/> checking claims.
/// </summary>
internal sealed record CorpusCase(
    string Id,
    string Input,
    TokenValidator Validator,
    TokenValidationError Expected,
    Action<JwtValidationResult>? Verify = null)
{
    /// <summary>Gets a value indicating whether <see cref="Input"/> is an Authorization header value rather than a bare token.</summary>
    public bool IsHeader { get; init; }

    public override string ToString() => Id;
}
