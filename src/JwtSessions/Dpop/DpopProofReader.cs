using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Unicode;
using JwtSessions.Internal;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Dpop;

/// <summary>
/// Reads a DPoP proof's JOSE header and claims with the token validator's own JSON stages: <see cref="JsonNameSet"/> over
/// <see cref="Utf8JsonReader"/> with <see cref="PayloadLimits.ReaderOptions"/> (strict JSON, no duplicate name at any depth,
/// no lone surrogate), <see cref="JoseHeaderReader"/>'s string, <c>typ</c> and unsupported-member rules, and
/// <see cref="ClaimsReader"/>'s NumericDate rule. Only what a proof has beyond a token is read here: the <c>jwk</c> header
/// and the <c>htm</c>, <c>htu</c>, <c>ath</c> and <c>nonce</c> claims.
/// </summary>
internal static class DpopProofReader
{
    private static readonly byte[][] s_proofType = ["dpop+jwt"u8.ToArray()];

    /// <summary>Reads and checks the header: unsupported members, <c>alg</c> in <paramref name="allowedAlgorithms"/>, <c>typ</c>, a public <c>jwk</c>.</summary>
    /// <param name="json">The decoded header.</param>
    /// <param name="scratch">Twice the header's length: room for its names and one unescaped value.</param>
    /// <param name="allowedAlgorithms">The allowlist as a bit set over <see cref="JwtAlgorithm"/>.</param>
    /// <param name="algorithm">The header's algorithm, when the result is <see cref="DpopProofError.None"/>.</param>
    /// <param name="jwk">The key's members, when the result is <see cref="DpopProofError.None"/>.</param>
    [SkipLocalsInit]
    public static DpopProofError ReadHeader(
        ReadOnlySpan<byte> json, Span<byte> scratch, int allowedAlgorithms, out JwtAlgorithm algorithm, out DpopJwk jwk)
    {
        algorithm = default;
        jwk = default;
        if (!Utf8.IsValid(json))
        {
            return DpopProofError.Malformed;
        }

        Span<byte> alg = stackalloc byte[16];
        Span<byte> typ = stackalloc byte[128];
        int algLength = -1, typLength = -1;
        var unsupportedHeader = false;
        var half = scratch.Length / 2;
        var unescaped = scratch[half..];
        Span<int> entries = stackalloc int[2 * 64];
        Span<int> frames = stackalloc int[2 * (PayloadLimits.MaxJsonDepth + 1)];
        var names = new JsonNameSet(scratch[..half], entries, frames);
        scoped var reader = new Utf8JsonReader(json, PayloadLimits.ReaderOptions);
        try
        {
            if (!names.BeginObject(ref reader))
            {
                return DpopProofError.Malformed;
            }

            JsonMember step;
            while ((step = names.NextMember(ref reader, unescaped, out _)) != JsonMember.End)
            {
                if (step == JsonMember.Invalid)
                {
                    return DpopProofError.Malformed;
                }

                if (reader.ValueTextEquals("alg"u8))
                {
                    algLength = JoseHeaderReader.ReadShortString(ref reader, ref names, unescaped, alg);
                }
                else if (reader.ValueTextEquals("typ"u8))
                {
                    typLength = JoseHeaderReader.ReadShortString(ref reader, ref names, unescaped, typ);
                }
                else if (reader.ValueTextEquals("jwk"u8))
                {
                    // RFC 9449 §4.2: the proof carries its own public key; the token validator refuses this member.
                    if (!TryReadJwk(ref reader, ref names, unescaped, out jwk))
                    {
                        return DpopProofError.Malformed;
                    }
                }
                else if (JoseHeaderReader.IsUnsupportedHeader(ref reader))
                {
                    unsupportedHeader = true;
                }
            }
        }
        catch (JsonException)
        {
            return DpopProofError.Malformed;
        }
        catch (InvalidOperationException)
        {
            return DpopProofError.Malformed;
        }

        if (unsupportedHeader)
        {
            return DpopProofError.UnsupportedHeader;
        }

        // The exact, case-sensitive allowlist (RFC 9449 §4.3 check 5): "none", HMAC and unknown names all end here.
        if (algLength < 0 || !JwtAlgorithms.TryParseUtf8(alg[..algLength], out algorithm) || (allowedAlgorithms & (1 << (int)algorithm)) == 0)
        {
            return DpopProofError.UnsupportedAlgorithm;
        }

        if (typLength < 0 || !JoseHeaderReader.IsAcceptedType(typ[..typLength], s_proofType))
        {
            return DpopProofError.WrongType;
        }

        if (!jwk.IsPresent || jwk.HasInvalidMember)
        {
            return DpopProofError.InvalidKey;
        }

        // RFC 9449 §4.3 check 7: the key is public. A private member is refused, never dropped and the rest used.
        return jwk.HasPrivateMember ? DpopProofError.PrivateKey : DpopProofError.None;
    }

    /// <summary>Reads the claims: strict JSON, <c>jti</c>, <c>htm</c>, <c>htu</c>, <c>ath</c> and <c>nonce</c> as strings, <c>iat</c> as a NumericDate.</summary>
    /// <param name="json">The decoded payload.</param>
    /// <param name="scratch">Three times the payload's length: names, one unescaped value, and the kept string values.</param>
    /// <param name="claims">Where each claim's unescaped value is in <paramref name="scratch"/>, when the result is <see cref="DpopProofError.None"/>.</param>
    [SkipLocalsInit]
    public static DpopProofError ReadPayload(ReadOnlySpan<byte> json, Span<byte> scratch, out DpopProofClaims claims)
    {
        claims = DpopProofClaims.Empty;
        if (!Utf8.IsValid(json))
        {
            return DpopProofError.Malformed;
        }

        var third = scratch.Length / 3;
        var unescaped = scratch.Slice(third, third);
        var values = scratch[(2 * third)..];
        var used = 0;
        var invalid = false;
        Span<int> entries = stackalloc int[2 * PayloadLimits.MaxMembers];
        Span<int> frames = stackalloc int[2 * (PayloadLimits.MaxJsonDepth + 1)];
        var names = new JsonNameSet(scratch[..third], entries, frames);
        scoped var reader = new Utf8JsonReader(json, PayloadLimits.ReaderOptions);
        try
        {
            if (!names.BeginObject(ref reader))
            {
                return DpopProofError.Malformed;
            }

            JsonMember step;
            while ((step = names.NextMember(ref reader, unescaped, out var name)) != JsonMember.End)
            {
                if (step == JsonMember.Invalid)
                {
                    return DpopProofError.Malformed;
                }

                if (name.SequenceEqual("iat"u8))
                {
                    invalid |= !ClaimsReader.TryReadNumericDate(ref reader, out claims.Iat);
                }
                else if (name.SequenceEqual("jti"u8))
                {
                    invalid |= !TryKeepString(ref reader, ref names, values, ref used, out claims.Jti);
                }
                else if (name.SequenceEqual("htm"u8))
                {
                    invalid |= !TryKeepString(ref reader, ref names, values, ref used, out claims.Htm);
                }
                else if (name.SequenceEqual("htu"u8))
                {
                    invalid |= !TryKeepString(ref reader, ref names, values, ref used, out claims.Htu);
                }
                else if (name.SequenceEqual("ath"u8))
                {
                    invalid |= !TryKeepString(ref reader, ref names, values, ref used, out claims.Ath);
                }
                else if (name.SequenceEqual("nonce"u8))
                {
                    invalid |= !TryKeepString(ref reader, ref names, values, ref used, out claims.Nonce);
                }
            }
        }
        catch (JsonException)
        {
            return DpopProofError.Malformed;
        }
        catch (InvalidOperationException)
        {
            return DpopProofError.Malformed;
        }

        // The whole document is read first: one that is also malformed further on is malformed, as the claims reader decides.
        if (invalid)
        {
            return DpopProofError.InvalidClaim;
        }

        if (claims.Jti.Start < 0 || claims.Htm.Start < 0 || claims.Htu.Start < 0 || claims.Iat == ClaimSlots.Missing)
        {
            return DpopProofError.MissingClaim;
        }

        // An empty jti identifies nothing, an empty htm or htu matches no request.
        return claims.Jti.Length == 0 || claims.Htm.Length == 0 || claims.Htu.Length == 0
            ? DpopProofError.InvalidClaim
            : DpopProofError.None;
    }

    /// <summary>
    /// Reads the <c>jwk</c> object's members: the public ones kept as text, the private ones noted. Names at every depth go through
    /// <paramref name="names"/> (duplicates, unescaping), and the walk ends at the object's closing brace.
    /// </summary>
    private static bool TryReadJwk(scoped ref Utf8JsonReader reader, scoped ref JsonNameSet names, Span<byte> unescaped, out DpopJwk jwk)
    {
        jwk = default;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // Not an object: no key. Left for NextMember to walk (an array's objects push their frames there).
            return true;
        }

        if (!names.PushObject())
        {
            return false;
        }

        var members = new DpopJwk { IsPresent = true };
        JsonMember step;
        while ((step = names.NextMember(ref reader, unescaped, depth: 2, out var name)) == JsonMember.Found)
        {
            if (!TryReadJwkMember(ref reader, ref names, name, ref members))
            {
                return false;
            }
        }

        jwk = members;
        return step == JsonMember.End;
    }

    private static bool TryReadJwkMember(scoped ref Utf8JsonReader reader, scoped ref JsonNameSet names, ReadOnlySpan<byte> name, ref DpopJwk jwk)
    {
        if (name.SequenceEqual("kty"u8))
        {
            return TryReadKeyText(ref reader, ref names, ref jwk, out jwk.Kty);
        }

        if (name.SequenceEqual("crv"u8))
        {
            return TryReadKeyText(ref reader, ref names, ref jwk, out jwk.Crv);
        }

        if (name.SequenceEqual("x"u8))
        {
            return TryReadKeyText(ref reader, ref names, ref jwk, out jwk.X);
        }

        if (name.SequenceEqual("y"u8))
        {
            return TryReadKeyText(ref reader, ref names, ref jwk, out jwk.Y);
        }

        if (name.SequenceEqual("n"u8))
        {
            return TryReadKeyText(ref reader, ref names, ref jwk, out jwk.N);
        }

        if (name.SequenceEqual("e"u8))
        {
            return TryReadKeyText(ref reader, ref names, ref jwk, out jwk.E);
        }

        // RFC 7518 §6.2.2, §6.3.2, §6.4.1 and RFC 8037 §2: the private and secret members.
        if (name.SequenceEqual("d"u8) || name.SequenceEqual("p"u8) || name.SequenceEqual("q"u8) || name.SequenceEqual("dp"u8)
            || name.SequenceEqual("dq"u8) || name.SequenceEqual("qi"u8) || name.SequenceEqual("oth"u8) || name.SequenceEqual("k"u8))
        {
            jwk.HasPrivateMember = true;
        }

        return true;
    }

    /// <summary>Reads a key member's string; any other value marks the key invalid and is left to the walk.</summary>
    private static bool TryReadKeyText(scoped ref Utf8JsonReader reader, scoped ref JsonNameSet names, ref DpopJwk jwk, out string? value)
    {
        value = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString();
            return true;
        }

        jwk.HasInvalidMember = true;
        return reader.TokenType != JsonTokenType.StartObject || names.PushObject();
    }

    /// <summary>Copies a string claim, unescaped, into <paramref name="values"/>; false when the value is not a string.</summary>
    private static bool TryKeepString(
        scoped ref Utf8JsonReader reader, scoped ref JsonNameSet names, Span<byte> values, ref int used, out DpopProofClaims.Slot slot)
    {
        slot = DpopProofClaims.Slot.Absent;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            if (reader.TokenType == JsonTokenType.StartObject && !names.PushObject())
            {
                throw new JsonException("The payload is nested too deeply.");
            }

            return false;
        }

        // Throws InvalidOperationException for a lone surrogate: the caller's Malformed.
        var length = reader.CopyString(values[used..]);
        slot = new DpopProofClaims.Slot(used, length);
        used += length;
        return true;
    }
}
