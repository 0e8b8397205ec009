using System.Runtime.CompilerServices;
using JwtSessions.Internal;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// The signature check (docs/validation.md, step 15): the decoded signature at exactly the key's length, verified by the key
/// over the header and payload segments as sent. The key alone decides (an HMAC key compares in constant time).
/// </summary>
internal static class SignatureCheck
{
    /// <summary>Verifies <paramref name="encodedSignature"/> (base64url, checked canonical by <see cref="CompactJws"/>).</summary>
    [SkipLocalsInit]
    public static TokenValidationError Verify(SigningKey key, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> encodedSignature)
    {
        Span<byte> signature = stackalloc byte[JwsVerification.MaxSignatureBytes];
        signature = signature[..Base64UrlStrict.Decode(encodedSignature, signature)];

        // Exact lengths first (RFC 7518 §3.2, §3.4; RFC 8017 §8.2.2): a truncated, padded or DER signature never reaches crypto.
        return signature.Length != key.SignatureSize || !key.VerifySignature(signingInput, signature)
            ? TokenValidationError.BadSignature
            : TokenValidationError.None;
    }
}
