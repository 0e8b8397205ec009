using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using JwtSessions.Internal;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

public sealed partial class TokenValidator
{
    private static readonly JsonReaderOptions s_readerOptions = new()
    {
        MaxDepth = MaxJsonDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

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
        if (!TrySplitCompact(token, out var firstDot, out var secondDot) || secondDot == firstDot + 1)
        {
            return TokenValidationError.Malformed;
        }

        if (_cache is not null && _cache.TryGet(token, out var cached))
        {
            claims = cached;
            return CheckCached(cached);
        }

        var encodedPayload = token[(firstDot + 1)..secondDot];
        var decodedLength = Base64UrlStrict.DecodedLength(encodedPayload.Length);
        if (!keepClaims && decodedLength > payload.Length)
        {
            return TokenValidationError.TooLarge;
        }

        // A header this validator already accepted (exact bytes) selects the same key again: skip re-parsing it.
        var header = token[..firstDot];
        var key = FindAcceptedHeader(header);
        var headerWasKnown = key is not null;
        var error = VerifyJws(token, firstDot, secondDot, _keys, _allowedAlgorithms, _types, ref key);
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
                RememberAcceptedHeader(header, key!);
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

    /// <summary>
    /// Compact serialization only (RFC 7515 §7.1): exactly two '.', a non-empty header, and three strict base64url segments.
    /// Five segments (JWE) and JSON serialization fail here. The payload may be empty; <see cref="ValidateCompact"/> rejects that.
    /// </summary>
    internal static bool TrySplitCompact(ReadOnlySpan<byte> token, out int firstDot, out int secondDot)
    {
        secondDot = -1;
        firstDot = token.IndexOf((byte)'.');
        if (firstDot <= 0)
        {
            return false;
        }

        var afterFirst = token[(firstDot + 1)..].IndexOf((byte)'.');
        if (afterFirst < 0)
        {
            return false;
        }

        secondDot = firstDot + 1 + afterFirst;
        return token[(secondDot + 1)..].IndexOf((byte)'.') < 0
            && Base64UrlStrict.IsCanonical(token[..firstDot])
            && Base64UrlStrict.IsCanonical(token[(firstDot + 1)..secondDot])
            && Base64UrlStrict.IsCanonical(token[(secondDot + 1)..]);
    }

    /// <summary>
    /// The JWS layer on a token <see cref="TrySplitCompact"/> accepted: strict header, key selection and binding, signature.
    /// <see cref="ValidateCompact"/> and <see cref="JwsVerifier"/> share it, so generic JWS conformance vectors exercise the exact
    /// code that guards JWTs. <paramref name="acceptedTypes"/> <see langword="null"/> skips the <c>typ</c> check (JWS has no typing rule).
    /// A non-null <paramref name="key"/> on entry is the key a previously accepted, byte-identical header selected: the header
    /// is then not parsed again. On success <paramref name="key"/> is the key that verified.
    /// </summary>
    [SkipLocalsInit]
    internal static TokenValidationError VerifyJws(
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
            var error = ReadHeader(headerJson, keys, allowedAlgorithms, acceptedTypes, out key);
            if (error != TokenValidationError.None)
            {
                return error;
            }
        }

        Span<byte> signatureBytes = stackalloc byte[MaxSignatureBytes];
        signatureBytes = signatureBytes[..Base64UrlStrict.Decode(signature, signatureBytes)];

        // Exact lengths first (RFC 7518 §3.2, §3.4; RFC 8017 §8.2.2): a truncated, padded or DER signature never reaches crypto.
        return signatureBytes.Length != key!.SignatureSize || !key.VerifySignature(token[..secondDot], signatureBytes)
            ? TokenValidationError.BadSignature
            : TokenValidationError.None;
    }

    /// <summary>Reads the JOSE header, picks the key, and checks <c>alg</c> and <c>typ</c> (RFC 7515 §4, RFC 8725 §3.1, §3.11).</summary>
    [SkipLocalsInit]
    private static TokenValidationError ReadHeader(
        ReadOnlySpan<byte> json, KeyRing keys, int allowedAlgorithms, byte[][]? acceptedTypes, out SigningKey? key)
    {
        key = null;
        if (!Utf8.IsValid(json))
        {
            return TokenValidationError.Malformed;
        }

        Span<byte> alg = stackalloc byte[16];

        // Room for "application/" and the longest accepted type (64 characters), so the prefixed form RFC 7515 §4.1.9
        // allows is not cut off and read as another type.
        Span<byte> typ = stackalloc byte[128];

        // As large as the header itself, so a kid is never too long to copy: every key id (up to 256 characters, so up to
        // 768 UTF-8 bytes) can be matched, and any longer kid is simply one that names no key.
        Span<byte> kid = stackalloc byte[MaxHeaderBytes];
        int algLength = -1, typLength = -1, kidLength = -1;
        bool hasKid = false, unsupportedHeader = false;

        Span<byte> scratch = stackalloc byte[MaxHeaderBytes];
        Span<byte> unescaped = stackalloc byte[MaxHeaderBytes];
        Span<int> entries = stackalloc int[2 * 64];
        Span<int> frames = stackalloc int[2 * (MaxJsonDepth + 1)];
        var names = new JsonNameSet(scratch, entries, frames);
        scoped var reader = new Utf8JsonReader(json, s_readerOptions);
        try
        {
            if (!names.BeginObject(ref reader))
            {
                return TokenValidationError.Malformed;
            }

            JsonMember step;
            while ((step = names.NextMember(ref reader, unescaped, out _)) != JsonMember.End)
            {
                if (step == JsonMember.Invalid)
                {
                    return TokenValidationError.Malformed;
                }

                if (reader.ValueTextEquals("alg"u8))
                {
                    algLength = ReadShortString(ref reader, ref names, unescaped, alg);
                }
                else if (reader.ValueTextEquals("typ"u8))
                {
                    typLength = ReadShortString(ref reader, ref names, unescaped, typ);
                }
                else if (reader.ValueTextEquals("kid"u8))
                {
                    hasKid = true;
                    kidLength = ReadShortString(ref reader, ref names, unescaped, kid);
                    if (kidLength == NotAString)
                    {
                        return TokenValidationError.Malformed;
                    }
                }
                else if (IsUnsupportedHeader(ref reader))
                {
                    unsupportedHeader = true;
                }
            }
        }
        catch (JsonException)
        {
            return TokenValidationError.Malformed;
        }
        catch (InvalidOperationException)
        {
            return TokenValidationError.Malformed;
        }

        if (unsupportedHeader)
        {
            return TokenValidationError.UnsupportedHeader;
        }

        // An exact, case-sensitive allowlist (RFC 8725 §3.1): "none", "None", "HS256 " and unknown names all end here.
        if (algLength < 0 || !JwtAlgorithms.TryParseUtf8(alg[..algLength], out var algorithm)
            || (allowedAlgorithms & (1 << (int)algorithm)) == 0)
        {
            return TokenValidationError.UnsupportedAlgorithm;
        }

        // Explicit typing (RFC 8725 §3.11): a refresh or ID token signed with an allowed algorithm is still the wrong kind of token.
        if (acceptedTypes is not null && (typLength < 0 || !IsAcceptedType(typ[..typLength], acceptedTypes)))
        {
            return TokenValidationError.WrongType;
        }

        // kid is an opaque exact lookup (RFC 8725 §3.10): unknown means reject, never a default key. Only an absent kid
        // may select the ring's one key for the algorithm; a kid that is present but could not be read (too long) is an
        // unknown kid, not a missing one, so it can never fall back to that key.
        key = !hasKid ? keys.FindUnique(algorithm) : kidLength >= 0 ? keys.Find(kid[..kidLength]) : null;
        if (key is null)
        {
            return TokenValidationError.UnknownKey;
        }

        return key.Algorithm == algorithm ? TokenValidationError.None : TokenValidationError.AlgorithmMismatch;
    }

    private const int NotAString = -1;
    private const int TooLong = -2;

    /// <summary>
    /// Reads the value after a property name into <paramref name="destination"/>: its length, or a negative code. A value that
    /// is not a string is left to <paramref name="names"/>, which walks it as it walks any other member (duplicate names, lone
    /// surrogates); an escaped string is unescaped in full into <paramref name="unescaped"/> (as long as the header) before its
    /// length is judged, so a lone surrogate is malformed however long the value, and <c>"\u0048S256"</c> is as long as it reads.
    /// </summary>
    private static int ReadShortString(scoped ref Utf8JsonReader reader, scoped ref JsonNameSet names, Span<byte> unescaped, Span<byte> destination)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            // The reader has already passed the opening brace, so the frame NextMember would have pushed is pushed here.
            if (reader.TokenType == JsonTokenType.StartObject && !names.PushObject())
            {
                throw new JsonException("The header is nested too deeply.");
            }

            return NotAString;
        }

        var value = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            // Throws InvalidOperationException for a lone surrogate: the caller's Malformed.
            value = unescaped[..reader.CopyString(unescaped)];
        }

        if (value.Length > destination.Length)
        {
            return TooLong;
        }

        value.CopyTo(destination);
        return value.Length;
    }

    // RFC 8725 §3.10 and docs/security.md, checklist items 10 to 12: no key from the token itself, no fetching, no unencoded payloads, no
    // compression, no critical extensions we do not implement (we implement none), and nothing of JWE.
    private static bool IsUnsupportedHeader(scoped ref Utf8JsonReader reader)
        => reader.ValueTextEquals("crit"u8) || reader.ValueTextEquals("b64"u8) || reader.ValueTextEquals("zip"u8)
            || reader.ValueTextEquals("jku"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("x5u"u8)
            || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("enc"u8) || reader.ValueTextEquals("epk"u8)
            || reader.ValueTextEquals("p2s"u8) || reader.ValueTextEquals("p2c"u8);
}
