using System.Buffers;
using System.Runtime.CompilerServices;
using JwtSessions.Internal;

namespace JwtSessions.Validation;

public sealed partial class TokenValidator
{
    /// <summary>
    /// The compact JWS checks on ASCII token bytes. With <paramref name="keepClaims"/> the payload is decoded into a buffer of
    /// its own and the claims come back in <paramref name="claims"/>; without it, into <paramref name="payload"/> (a payload
    /// that does not fit is <see cref="TokenValidationError.TooLarge"/>), with its length and slots, and <paramref name="claims"/>
    /// is set only on a cache hit or when a cache is to be filled.
    /// </summary>
    [SkipLocalsInit]
    private TokenValidationError ValidateCompact(
        ReadOnlySpan<byte> token, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims)
    {
        payloadLength = 0;
        slots = default;
        claims = null;

        // An empty payload is a legal JWS (RFC 7515) but never a JWT: a JWT payload is a JSON object (RFC 7519 §7.2).
        if (!CompactJws.TrySplit(token, out var firstDot, out var secondDot) || secondDot == firstDot + 1)
        {
            return TokenValidationError.Malformed;
        }

        if (_cache is not null && _cache.TryGet(token, out var cached))
        {
            claims = cached;
            return _claimChecks.CheckCached(cached);
        }

        var encodedPayload = token[(firstDot + 1)..secondDot];
        var decodedLength = Base64UrlStrict.DecodedLength(encodedPayload.Length);
        if (!keepClaims && decodedLength > payload.Length)
        {
            return TokenValidationError.TooLarge;
        }

        // A header this validator already accepted (exact bytes) selects the same key again: skip re-parsing it.
        var header = token[..firstDot];
        var key = _acceptedHeaders.Find(header);
        var headerWasKnown = key is not null;
        var error = JwsVerification.Verify(token, firstDot, secondDot, _keys, _allowedAlgorithms, _types, ref key);
        if (error != TokenValidationError.None)
        {
            return error;
        }

        // Only now, with the signature verified, is room made for the payload: nothing is rented for garbage.
        byte[]? rented = null;
        var buffer = !keepClaims ? payload
            : decodedLength <= StackThreshold ? stackalloc byte[StackThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(decodedLength));
        try
        {
            payloadLength = Base64UrlStrict.Decode(encodedPayload, buffer);
            var json = buffer[..payloadLength];
            error = ReadClaims(json, out slots);
            if (error != TokenValidationError.None)
            {
                return error;
            }

            if (!headerWasKnown)
            {
                _acceptedHeaders.Remember(header, key!);
            }

            if (keepClaims || _cache is not null)
            {
                // The one allocation of a successful validation through the claims-object API: the claims keep the payload
                // and where each claim starts, and make their strings only when asked (docs/benchmarks.md).
                claims = new TokenClaims(json.ToArray(), slots);
                _cache?.Add(token, claims);
            }

            return TokenValidationError.None;
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
