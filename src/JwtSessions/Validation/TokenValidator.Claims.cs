using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using JwtSessions.Internal;

namespace JwtSessions.Validation;

public sealed partial class TokenValidator
{
    /// <summary>Reads and checks the claims of a payload whose signature has verified.</summary>
    /// <param name="json">The decoded payload.</param>
    /// <param name="slots">Where each claim is, when the result is <see cref="TokenValidationError.None"/>.</param>
    private TokenValidationError ReadClaims(ReadOnlySpan<byte> json, out ClaimSlots slots)
    {
        // The flat reader's strings have no escapes, so the checks never need room to unescape one. It checks UTF-8 itself,
        // and only when a byte is not ASCII.
        if (FlatPayloadScanner.TryScan(json, _issuer, _audiences, out slots))
        {
            return _claimChecks.Check(json, slots, unescaped: default);
        }

        if (!Utf8.IsValid(json))
        {
            slots = default;
            return TokenValidationError.Malformed;
        }

        return ReadAndCheckClaimsFully(json, out slots);
    }

    /// <summary>The full reader's way, with scratch for unescaped names and strings on the stack or rented.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private TokenValidationError ReadAndCheckClaimsFully(ReadOnlySpan<byte> json, out ClaimSlots slots)
    {
        byte[]? rented = null;
        var scratch = json.Length <= StackThreshold
            ? stackalloc byte[2 * StackThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(2 * json.Length));
        try
        {
            scratch = scratch[..(2 * json.Length)];
            var error = ClaimsReader.Read(json, scratch, _issuer, _audiences, out slots);
            return error != TokenValidationError.None ? error : _claimChecks.Check(json, slots, scratch[json.Length..]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }
}
