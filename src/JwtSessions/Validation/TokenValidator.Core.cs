using System.Buffers;
using System.Runtime.CompilerServices;
using JwtSessions.Internal;
using JwtSessions.Signing;

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
        ReadOnlySpan<byte> token, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims, bool allowBound = false)
    {
        payloadLength = 0;
        slots = default;
        claims = null;

        // An empty payload is a legal JWS (RFC 7515) but never a JWT: a JWT payload is a JSON object (RFC 7519 §7.2).
        if (!CompactJws.TrySplit(token, out var firstDot, out var secondDot) || secondDot == firstDot + 1)
        {
            return TokenValidationError.Malformed;
        }

        // One read of the keys for the whole validation: ring, memo and cache always belong together.
        var keys = CurrentKeys();
        var cache = keys.Cache;
        if (cache is not null)
        {
            var hit = cache.TryGet(token, out var cached);
            _metrics.CacheLookup(hit);
            if (hit)
            {
                claims = cached;
                var cachedError = _claimChecks.CheckCached(cached);
                return cachedError == TokenValidationError.None && cached.IsBound && !allowBound ? TokenValidationError.DpopProofRequired : cachedError;
            }
        }

        var encodedPayload = token[(firstDot + 1)..secondDot];
        var decodedLength = Base64UrlStrict.DecodedLength(encodedPayload.Length);
        if (!keepClaims && decodedLength > payload.Length)
        {
            return TokenValidationError.TooLarge;
        }

        // A header this validator already accepted (exact bytes) selects the same key again: skip re-parsing it.
        var header = token[..firstDot];
        var key = keys.AcceptedHeaders.Find(header);
        var headerWasKnown = key is not null;
        var error = JwsVerification.Verify(token, firstDot, secondDot, keys.Ring, keys.AllowedAlgorithms, _types, ref key);
        if (error != TokenValidationError.None)
        {
            if (error == TokenValidationError.UnknownKey)
            {
                _keySource?.OnUnknownKey();
            }

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

            // A DPoP-bound token (RFC 9449 §7.1) is no bearer token: only ValidateDpopRequestAsync, with a proof, accepts it.
            if (slots.Bound && !allowBound)
            {
                return TokenValidationError.DpopProofRequired;
            }

            if (!headerWasKnown)
            {
                keys.AcceptedHeaders.Remember(header, key!);
            }

            if (keepClaims || cache is not null)
            {
                // The one allocation of a successful validation through the claims-object API: the claims keep the payload
                // and where each claim starts, and make their strings only when asked (docs/benchmarks.md).
                claims = new TokenClaims(json.ToArray(), slots);
                cache?.Add(token, claims, key!);
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

    /// <summary>
    /// The keys of this validation: a volatile read, and with a <see cref="KeyRingSource"/> a reference comparison with its
    /// current ring. A new ring is taken up by the first validation that sees it (<see cref="SwitchKeys"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ValidatorKeys CurrentKeys()
    {
        var keys = Volatile.Read(ref _keys);
        return _keySource is null || ReferenceEquals(_keySource.Current, keys.Ring) ? keys : SwitchKeys(keys);
    }

    /// <summary>
    /// Builds the keys of the source's current ring and publishes them with one compare-and-swap; a thread that loses the
    /// race uses the winner's. A validation already running on the old keys finishes on them.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValidatorKeys SwitchKeys(ValidatorKeys seen)
    {
        var next = seen.Next(_keySource!.Current, _configuredAlgorithms);
        var witnessed = Interlocked.CompareExchange(ref _keys, next, seen);
        return ReferenceEquals(witnessed, seen) ? next : witnessed;
    }
}
