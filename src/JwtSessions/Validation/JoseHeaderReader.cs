using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using JwtSessions.Internal;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// The JOSE header reader (docs/validation.md, steps 9 to 14): strict JSON without duplicates, no unsupported member, the
/// <c>alg</c> allowlist, <c>typ</c>, the key by <c>kid</c> and the algorithm-to-key binding. A pure function of the header
/// bytes and the configuration, which is what lets <see cref="AcceptedHeaderMemo"/> skip it for a header it has seen.
/// </summary>
internal static class JoseHeaderReader
{
    /// <summary>Reads the JOSE header, picks the key, and checks <c>alg</c> and <c>typ</c> (RFC 7515 §4, RFC 8725 §3.1, §3.11).</summary>
    [SkipLocalsInit]
    public static TokenValidationError Read(
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
        Span<byte> kid = stackalloc byte[JwsVerification.MaxHeaderBytes];
        int algLength = -1, typLength = -1, kidLength = -1;
        bool hasKid = false, unsupportedHeader = false;

        Span<byte> scratch = stackalloc byte[JwsVerification.MaxHeaderBytes];
        Span<byte> unescaped = stackalloc byte[JwsVerification.MaxHeaderBytes];
        Span<int> entries = stackalloc int[2 * 64];
        Span<int> frames = stackalloc int[2 * (PayloadLimits.MaxJsonDepth + 1)];
        var names = new JsonNameSet(scratch, entries, frames);
        scoped var reader = new Utf8JsonReader(json, PayloadLimits.ReaderOptions);
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
    internal static int ReadShortString(scoped ref Utf8JsonReader reader, scoped ref JsonNameSet names, Span<byte> unescaped, Span<byte> destination)
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
    internal static bool IsUnsupportedHeader(scoped ref Utf8JsonReader reader)
        => reader.ValueTextEquals("crit"u8) || reader.ValueTextEquals("b64"u8) || reader.ValueTextEquals("zip"u8)
            || reader.ValueTextEquals("jku"u8) || reader.ValueTextEquals("jwk"u8) || reader.ValueTextEquals("x5u"u8)
            || reader.ValueTextEquals("x5c"u8) || reader.ValueTextEquals("enc"u8) || reader.ValueTextEquals("epk"u8)
            || reader.ValueTextEquals("p2s"u8) || reader.ValueTextEquals("p2c"u8);

    /// <summary>The allowlist as a bit set over <see cref="JwtAlgorithm"/> values; by default the algorithms of the ring's keys.</summary>
    internal static int AlgorithmMask(IEnumerable<JwtAlgorithm> algorithms)
    {
        var mask = 0;
        foreach (var algorithm in algorithms)
        {
            algorithm.GetName(); // throws for an undefined value
            mask |= 1 << (int)algorithm;
        }

        return mask;
    }

    internal static string NormalizeType(string type)
    {
        // RFC 7515 §4.1.9: "application/" may be omitted; media types compare case-insensitively.
        const string Prefix = "application/";
        var t = type.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? type[Prefix.Length..] : type;
        return t.ToLowerInvariant();
    }

    internal static bool IsAcceptedType(ReadOnlySpan<byte> type, byte[][] acceptedTypes)
    {
        var prefix = "application/"u8;
        if (type.Length > prefix.Length && Ascii.EqualsIgnoreCase(type[..prefix.Length], prefix))
        {
            type = type[prefix.Length..];
        }

        foreach (var accepted in acceptedTypes)
        {
            if (Ascii.EqualsIgnoreCase(type, accepted))
            {
                return true;
            }
        }

        return false;
    }
}
