using System.Runtime.CompilerServices;
using JwtSessions.Internal;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// The JWS layer (docs/validation.md, steps 8 to 15) on a token <see cref="CompactJws"/> split: header and signature size,
/// the JOSE header (<see cref="JoseHeaderReader"/>, unless the accepted-header memo already selected the key), then the
/// signature (<see cref="SignatureCheck"/>). No claim is read here.
/// </summary>
internal static class JwsVerification
{
    /// <summary>The largest decoded JOSE header read (step 8).</summary>
    public const int MaxHeaderBytes = 1024;

    /// <summary>The largest decoded signature read (step 8).</summary>
    public const int MaxSignatureBytes = 1024;

    /// <summary>
    /// The JWS layer on a token <see cref="CompactJws.TrySplit"/> accepted: strict header, key selection and binding, signature.
    /// <see cref="TokenValidator"/> and the tests' JWS-only verifier share it, so generic JWS conformance vectors exercise the exact
    /// code that guards JWTs. <paramref name="acceptedTypes"/> <see langword="null"/> skips the <c>typ</c> check (JWS has no typing rule).
    /// A non-null <paramref name="key"/> on entry is the key a previously accepted, byte-identical header selected: the header
    /// is then not parsed again. On success <paramref name="key"/> is the key that verified.
    /// </summary>
    [SkipLocalsInit]
    public static TokenValidationError Verify(
        ReadOnlySpan<byte> token, int firstDot, int secondDot, KeyRing keys, int allowedAlgorithms, byte[][]? acceptedTypes, ref SigningKey? key)
    {
        var header = token[..firstDot];
        var signature = token[(secondDot + 1)..];
        var headerLength = Base64UrlStrict.DecodedLength(header.Length);
        var signatureLength = Base64UrlStrict.DecodedLength(signature.Length);
        if (headerLength > MaxHeaderBytes || signatureLength > MaxSignatureBytes)
        {
            return TokenValidationError.Malformed;
        }

        if (key is null)
        {
            Span<byte> headerJson = stackalloc byte[MaxHeaderBytes];
            headerJson = headerJson[..Base64UrlStrict.Decode(header, headerJson)];
            var error = JoseHeaderReader.Read(headerJson, keys, allowedAlgorithms, acceptedTypes, out key);
            if (error != TokenValidationError.None)
            {
                return error;
            }
        }

        return SignatureCheck.Verify(key!, token[..secondDot], signature);
    }
}
