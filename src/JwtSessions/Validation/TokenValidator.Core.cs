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

    /// <summary>The compact JWS checks on ASCII token bytes, after the header prefix and size cap.</summary>
    [SkipLocalsInit]
    private TokenValidationResult ValidateToken(ReadOnlySpan<byte> token)
    {
        // Compact serialization only: exactly two '.' (RFC 7515 §7.1). Five segments (JWE) and JSON serialization fail here.
        var firstDot = token.IndexOf((byte)'.');
        if (firstDot <= 0)
        {
            return TokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        var secondDot = token[(firstDot + 1)..].IndexOf((byte)'.');
        if (secondDot <= 0)
        {
            return TokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        secondDot += firstDot + 1;
        var header = token[..firstDot];
        var payload = token[(firstDot + 1)..secondDot];
        var signature = token[(secondDot + 1)..];
        if (signature.IndexOf((byte)'.') >= 0
            || !Base64UrlStrict.IsCanonical(header)
            || !Base64UrlStrict.IsCanonical(payload)
            || !Base64UrlStrict.IsCanonical(signature))
        {
            return TokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        if (_cache is not null && _cache.TryGet(token, out var cached))
        {
            return CheckCached(cached);
        }

        var headerLength = Base64UrlStrict.DecodedLength(header.Length);
        var signatureLength = Base64UrlStrict.DecodedLength(signature.Length);
        if (headerLength > MaxHeaderBytes || signatureLength > MaxSignatureBytes)
        {
            return TokenValidationResult.Fail(TokenValidationError.Malformed);
        }

        var key = FindAcceptedHeader(header);
        var headerWasKnown = key is not null;
        TokenValidationError error;
        if (!headerWasKnown)
        {
            Span<byte> headerJson = stackalloc byte[MaxHeaderBytes];
            headerJson = headerJson[..Base64UrlStrict.Decode(header, headerJson)];
            error = ReadHeader(headerJson, out key);
            if (error != TokenValidationError.None)
            {
                return TokenValidationResult.Fail(error);
            }
        }

        Span<byte> signatureBytes = stackalloc byte[MaxSignatureBytes];
        signatureBytes = signatureBytes[..Base64UrlStrict.Decode(signature, signatureBytes)];

        // Exact lengths first (RFC 7518 §3.2, §3.4; RFC 8017 §8.2.2): a truncated, padded or DER signature never reaches crypto.
        if (signatureBytes.Length != key!.SignatureSize || !key.VerifySignature(token[..secondDot], signatureBytes))
        {
            return TokenValidationResult.Fail(TokenValidationError.BadSignature);
        }

        var payloadLength = Base64UrlStrict.DecodedLength(payload.Length);

        // Three times the payload: the decoded JSON, unescaped member names, and room to unescape one string.
        byte[]? rented = null;
        var buffer = 3 * payloadLength <= 3 * StackThreshold
            ? stackalloc byte[3 * StackThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(3 * payloadLength));
        try
        {
            var json = buffer[..Base64UrlStrict.Decode(payload, buffer)];
            error = ReadClaims(json, buffer.Slice(payloadLength, 2 * payloadLength), out var claims);
            if (error != TokenValidationError.None)
            {
                return TokenValidationResult.Fail(error);
            }

            if (!headerWasKnown)
            {
                RememberAcceptedHeader(header, key);
            }

            _cache?.Add(token, claims!);
            return new TokenValidationResult(claims!);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    /// <summary>Reads the JOSE header, picks the key, and checks <c>alg</c> and <c>typ</c> (RFC 7515 §4, RFC 8725 §3.1, §3.11).</summary>
    [SkipLocalsInit]
    private TokenValidationError ReadHeader(ReadOnlySpan<byte> json, out SigningKey? key)
    {
        key = null;
        if (!Utf8.IsValid(json))
        {
            return TokenValidationError.Malformed;
        }

        Span<byte> alg = stackalloc byte[16];
        Span<byte> typ = stackalloc byte[64];
        Span<byte> kid = stackalloc byte[256];
        int algLength = -1, typLength = -1, kidLength = -1;
        var unsupportedHeader = false;

        Span<byte> scratch = stackalloc byte[MaxHeaderBytes];
        Span<byte> unescaped = stackalloc byte[MaxHeaderBytes];
        Span<int> entries = stackalloc int[2 * 64];
        Span<int> frames = stackalloc int[2 * (MaxJsonDepth + 1)];
        var names = new JsonNameSet(scratch, entries, frames);
        scoped var reader = new Utf8JsonReader(json, s_readerOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return TokenValidationError.Malformed;
            }

            names.PushObject();
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        if (!names.PushObject())
                        {
                            return TokenValidationError.Malformed;
                        }

                        break;
                    case JsonTokenType.EndObject:
                        names.PopObject();
                        break;
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        // Unescaping rejects lone surrogates (I-JSON, RFC 7493 §2.1).
                        reader.CopyString(unescaped);
                        break;
                    case JsonTokenType.PropertyName:
                        if (!names.TryAdd(ref reader))
                        {
                            return TokenValidationError.Malformed;
                        }

                        if (reader.CurrentDepth != 1)
                        {
                            break;
                        }

                        if (reader.ValueTextEquals("alg"u8))
                        {
                            algLength = ReadShortString(ref reader, alg);
                        }
                        else if (reader.ValueTextEquals("typ"u8))
                        {
                            typLength = ReadShortString(ref reader, typ);
                        }
                        else if (reader.ValueTextEquals("kid"u8))
                        {
                            kidLength = ReadShortString(ref reader, kid);
                            if (kidLength == NotAString)
                            {
                                return TokenValidationError.Malformed;
                            }
                        }
                        else if (IsUnsupportedHeader(ref reader))
                        {
                            unsupportedHeader = true;
                        }

                        break;
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
            || (_allowedAlgorithms & (1 << (int)algorithm)) == 0)
        {
            return TokenValidationError.UnsupportedAlgorithm;
        }

        if (typLength < 0 || !IsAcceptedType(typ[..typLength]))
        {
            return TokenValidationError.WrongType;
        }

        // kid is an opaque exact lookup (RFC 8725 §3.10): unknown means reject, never a default key.
        key = kidLength >= 0 ? _keys.Find(kid[..kidLength]) : _keys.FindUnique(algorithm);
        if (key is null)
        {
            return TokenValidationError.UnknownKey;
        }

        return key.Algorithm == algorithm ? TokenValidationError.None : TokenValidationError.AlgorithmMismatch;
    }

    private const int NotAString = -1;
    private const int TooLong = -2;

    /// <summary>Reads the value after a property name into <paramref name="destination"/>: its length, or a negative code.</summary>
    private static int ReadShortString(scoped ref Utf8JsonReader reader, Span<byte> destination)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }

            return NotAString;
        }

        if (reader.ValueIsEscaped)
        {
            return reader.HasValueSequence || reader.ValueSpan.Length > destination.Length ? TooLong : reader.CopyString(destination);
        }

        var raw = reader.ValueSpan;
        if (raw.Length > destination.Length)
        {
            return TooLong;
        }

        raw.CopyTo(destination);
        return raw.Length;
    }

    // RFC 8725 §3.10 and SECURITY.md §1.2: no key from the token itself, no fetching, no unencoded payloads, no
    // compression, no critical extensions we do not implement (we implement none), and nothing of JWE.
    private static bool IsUnsupportedHeader(scoped ref Utf8JsonReader reader)
        => reader.ValueTextEquals("crit"u8) || reader.ValueTextEquals("b64"u8) || reader.ValueTextEquals("zip"u8)
            || reader.ValueTextEquals("jku"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("x5u"u8)
            || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("enc"u8) || reader.ValueTextEquals("epk"u8)
            || reader.ValueTextEquals("p2s"u8) || reader.ValueTextEquals("p2c"u8);
}
