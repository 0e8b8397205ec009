using System.Text;
using JwtSessions.Validation;

namespace JwtSessions.Fuzz;

/// <summary>
/// The oracles every validating target applies to one input (docs/testing.md, "Oracles"): the overloads agree, a rejection
/// allocates nothing unless System.Text.Json threw inside, an acceptance through the <c>TryValidate</c> form allocates
/// nothing either, and every accepted token is accepted by Microsoft's handler too. An exception escaping
/// <c>Validate</c> needs no check: SharpFuzz reports it as a crash.
/// </summary>
internal static class ValidationOracles
{
    // Targets run one input at a time on one thread.
    private static byte[]? s_buffer;

    /// <summary>Validates <paramref name="input"/> as a header value or a bare token and applies every oracle.</summary>
    /// <returns>The validator's verdict.</returns>
    public static TokenValidationError Check(TokenValidator validator, ReadOnlySpan<byte> input, bool isHeader)
    {
        var buffer = s_buffer ??= new byte[validator.ClaimsBufferSize];
        var error = Validate(validator, input, isHeader);

        var tried = TryValidate(validator, input, isHeader, buffer);
        OracleFailureException.Check(tried == error, $"Validate said {error} but TryValidate said {tried}.");

        if (Ascii.IsValid(input))
        {
            // For ASCII text the char overloads read exactly the same bytes; beyond ASCII they count length in chars, so a
            // size-cap verdict may differ by design.
            var text = Encoding.ASCII.GetString(input);
            var fromText = isHeader ? validator.ValidateAuthorizationHeader(text).Error : validator.ValidateToken(text).Error;
            OracleFailureException.Check(fromText == error, $"The UTF-8 overload said {error} but the string overload said {fromText}.");
        }

        if (error == TokenValidationError.None)
        {
            CheckAccepted(validator, input, isHeader, buffer);
        }
        else
        {
            CheckRejectionAllocation(validator, input, isHeader, error);
        }

        return error;
    }

    private static TokenValidationError Validate(TokenValidator validator, ReadOnlySpan<byte> input, bool isHeader)
        => isHeader ? validator.ValidateAuthorizationHeader(input).Error : validator.ValidateToken(input).Error;

    private static TokenValidationError TryValidate(TokenValidator validator, ReadOnlySpan<byte> input, bool isHeader, byte[] buffer)
    {
        _ = isHeader
            ? validator.TryValidateAuthorizationHeader(input, buffer, out _, out var error)
            : validator.TryValidateToken(input, buffer, out _, out error);
        return error;
    }

    /// <summary>docs/security.md, test bar 5: after warm-up, a rejection allocates nothing unless the JSON reader threw.</summary>
    private static void CheckRejectionAllocation(TokenValidator validator, ReadOnlySpan<byte> input, bool isHeader, TokenValidationError error)
    {
        // The runtime may allocate once the first few times a path runs (type loading, tiering): a path that allocates does
        // so every time, so the smaller of two measurements after a warm-up call is what the path costs.
        _ = Validate(validator, input, isHeader);
        var allocated = long.MaxValue;
        for (var i = 0; i < 2 && allocated > 0; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var again = Validate(validator, input, isHeader);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            OracleFailureException.Check(again == error, $"The same input was {error}, then {again}.");
        }

        if (allocated == 0)
        {
            return;
        }

        var token = isHeader && AuthorizationHeader.HasBearerPrefix(input) ? input[AuthorizationHeader.BearerPrefixLength..] : input;
        var explained = error == TokenValidationError.Malformed
            && (JsonText.SegmentFailsToRead(token, 0) || JsonText.SegmentFailsToRead(token, 1));
        OracleFailureException.Check(explained, $"Rejecting as {error} allocated {allocated} B, and no JSON reader exception explains it.");
    }

    /// <summary>An accepted token: the zero-allocation form allocates nothing, and Microsoft's handler agrees.</summary>
    private static void CheckAccepted(TokenValidator validator, ReadOnlySpan<byte> input, bool isHeader, byte[] buffer)
    {
        _ = TryValidate(validator, input, isHeader, buffer);
        var allocated = long.MaxValue;
        for (var i = 0; i < 2 && allocated > 0; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var again = TryValidate(validator, input, isHeader, buffer);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            OracleFailureException.Check(again == TokenValidationError.None, $"The same token was accepted, then {again}.");
        }

        OracleFailureException.Check(allocated == 0, $"Accepting through TryValidate allocated {allocated} B.");

        var token = isHeader ? input[AuthorizationHeader.BearerPrefixLength..] : input;
        MicrosoftOracle.MustAccept(Encoding.ASCII.GetString(token));
    }
}
