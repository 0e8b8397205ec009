using JwtSessions.Validation;

namespace JwtSessions.Tests.Support;

/// <summary>
/// The <c>TryValidate…</c> methods as one expression returning the error, for tests that compare errors across forms; each call
/// also checks the Try shape itself: the returned bool is true exactly when the error is <see cref="TokenValidationError.None"/>,
/// and the view is empty exactly when it is not.
/// </summary>
internal static class TryValidateExtensions
{
    public static TokenValidationError TokenInto(this TokenValidator validator, ReadOnlySpan<char> token, Span<byte> buffer, out TokenClaimsView claims)
        => Checked(validator.TryValidateToken(token, buffer, out claims, out var error), error, claims);

    public static TokenValidationError TokenInto(this TokenValidator validator, ReadOnlySpan<byte> token, Span<byte> buffer, out TokenClaimsView claims)
        => Checked(validator.TryValidateToken(token, buffer, out claims, out var error), error, claims);

    public static TokenValidationError HeaderInto(this TokenValidator validator, ReadOnlySpan<char> header, Span<byte> buffer, out TokenClaimsView claims)
        => Checked(validator.TryValidateAuthorizationHeader(header, buffer, out claims, out var error), error, claims);

    public static TokenValidationError HeaderInto(this TokenValidator validator, ReadOnlySpan<byte> header, Span<byte> buffer, out TokenClaimsView claims)
        => Checked(validator.TryValidateAuthorizationHeader(header, buffer, out claims, out var error), error, claims);

    private static TokenValidationError Checked(bool valid, TokenValidationError error, TokenClaimsView claims)
    {
        if (valid != (error == TokenValidationError.None) || claims.IsEmpty == valid)
        {
            throw new InvalidOperationException($"Inconsistent Try result: returned {valid}, error {error}, view empty {claims.IsEmpty}.");
        }

        return error;
    }
}
