using JwtSessions.Validation;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// The expected outcome of every vector of <c>json_web_signature_test.json</c> at the JWS layer, with the specific error code of
/// each rejection, and the override list of <c>tests/vectors/README.md</c> ("Overrides of Wycheproof's labels") applied exactly.
/// </summary>
internal static class WycheproofJwsExpectations
{
    /// <summary>README override: the token is RFC 7520 PS384 / ES512 but the key says PS256 / ES521; use the key with the token's alg.</summary>
    public static readonly IReadOnlyDictionary<int, string> KeyAlgorithmOverrides = new Dictionary<int, string>
    {
        [346] = "PS384",
        [350] = "PS384",
        [347] = "ES512",
        [351] = "ES512",
    };

    /// <summary>README override: labelled invalid, but the <c>jws</c> is byte-identical to valid tcId 357 (C2SP/wycheproof#236).</summary>
    public static readonly IReadOnlySet<int> CopiesOf357 = new HashSet<int> { 367, 370 };

    /// <summary>README override: labelled valid, but a '?' sits inside a base64url segment; a strict decoder rejects it.</summary>
    public static readonly IReadOnlySet<int> StrictBase64Overrides = new HashSet<int> { 372, 373 };

    public const int CopiedFromTcId = 357;

    public const string CopyReason =
        "tests/vectors/README.md override: the jws is byte-identical to valid tcId 357 (upstream C2SP/wycheproof#236: the v0 "
        + "vector was a Python b'...' repr and stripping the wrapper left a valid token labelled invalid).";

    // "UsingRS256" and friends: the header names another algorithm than the PS512 key is bound to. The JWS layer's allowlist is
    // the ring's algorithms (the validator's default), so the header's alg is refused before any key or signature is touched.
    private static readonly HashSet<int> s_foreignAlgorithm = [332, 334, 336, 338, 340];

    private static readonly Dictionary<string, TokenValidationError> s_byComment = new(StringComparer.Ordinal)
    {
        // Signature bytes that do not verify for the message (or an empty signature, or "header..sig" with its empty payload).
        ["rejectsModifiedSignature"] = TokenValidationError.BadSignature,
        ["rejectsMissingSignature"] = TokenValidationError.BadSignature,
        ["rejectsModifiedPayload"] = TokenValidationError.BadSignature,
        ["rejectsMissingPayload"] = TokenValidationError.BadSignature,

        // Not three segments with a non-empty header, JSON serialization, or not strict base64url (RFC 7515 §2, §7.1).
        ["rejectsMissingSignatureAndSeparator"] = TokenValidationError.Malformed,
        ["rejectsMissingPayloadAndSeparator"] = TokenValidationError.Malformed,
        ["rejectsMissingHeader"] = TokenValidationError.Malformed,
        ["rejectsMissingHeaderAndSeparator"] = TokenValidationError.Malformed,
        ["rejectsMissingHeaderAndSignature"] = TokenValidationError.Malformed,
        ["rejectsMissingHeaderSignatureAndSeparator"] = TokenValidationError.Malformed,
        ["rejectsMissingHeaderSignatureAndSeparators"] = TokenValidationError.Malformed,
        ["rejectsEmptyString"] = TokenValidationError.Malformed,
        ["rejectsExtraEmptyComponent"] = TokenValidationError.Malformed,
        ["rejectsExtraComponent"] = TokenValidationError.Malformed,
        ["rejectsValidJsonSerialization"] = TokenValidationError.Malformed,
        ["rejectsSpacesInMac"] = TokenValidationError.Malformed,
        ["rejectsInvalidCharacterInsertedInMac"] = TokenValidationError.Malformed,
        ["rejects0ReplacedbyInvalidCharacter"] = TokenValidationError.Malformed,
        ["rejectsInvalidCharacters"] = TokenValidationError.Malformed,
        ["spacesInHeader"] = TokenValidationError.Malformed,
        ["invalidCharactersInHeader"] = TokenValidationError.Malformed,
        ["spacesInPayload"] = TokenValidationError.Malformed,
        ["invalidCharactersInPayload"] = TokenValidationError.Malformed,
        ["InvalidCharacterInPayload"] = TokenValidationError.Malformed,
        ["ModifiedUnusedBitsInPayload"] = TokenValidationError.Malformed, // non-canonical trailing bits (RFC 4648 §3.5)
        ["MacOfIncorrectlyEncodedMessage"] = TokenValidationError.Malformed, // same payload segment; the MAC never matters

        // kid "Xid-..." names no key of the ring: no fallback to another key (RFC 8725 §3.10).
        ["rejectsModifiedHeader"] = TokenValidationError.UnknownKey,

        // alg none/NONE is never on the allowlist; HS256 against an ES256 ring is not on it either (RS/HS confusion).
        ["rejectsNoneAlgorithmAndMissingSignature"] = TokenValidationError.UnsupportedAlgorithm,
        ["algIsNone"] = TokenValidationError.UnsupportedAlgorithm,
        ["rejectsSymmetryConfusionAttacks_aesKeyFromEcVerificationKeyBytes"] = TokenValidationError.UnsupportedAlgorithm,

        // An embedded jwk is never a verification key (RFC 8725 §3.10).
        ["rejectsAttackerProvidedEmbeddedJwk"] = TokenValidationError.UnsupportedHeader,
    };

    // Groups whose invalid vectors are all altered signatures over an unchanged header and payload: malformed PKCS#1 DigestInfo
    // (rs256), PSS encodings and cross-primitive signatures (ps*), and ES256 r/s edge cases and lengths (SpecialCaseEs256).
    private static readonly HashSet<string> s_signatureGroups = new(StringComparer.Ordinal)
    {
        "rs256", "ps256", "ps384", "ps512", "SpecialCaseEs256",
    };

    private static readonly Dictionary<string, string> s_keyRules = new(StringComparer.Ordinal)
    {
        ["rejectWrongUse"] = "*\"use\":\"enc\"*", // RFC 7517 §4.2
        ["rejectWrongKeyOps"] = "*\"key_ops\"*", // RFC 7517 §4.3
    };

    public static JwsExpectation For(WycheproofVector vector)
    {
        if (CopiesOf357.Contains(vector.TcId))
        {
            return new JwsExpectation(JwsExpectation.Outcome.CopyOfValid) { Reason = CopyReason };
        }

        if (KeyAlgorithmOverrides.TryGetValue(vector.TcId, out var algorithm))
        {
            return JwsExpectation.Valid() with
            {
                KeyAlgorithmOverride = algorithm,
                Reason = $"README override: the key's alg is not the token's; imported with \"alg\":\"{algorithm}\" (RFC 8725 §3.1 binding).",
            };
        }

        if (StrictBase64Overrides.Contains(vector.TcId))
        {
            return JwsExpectation.Rejected(TokenValidationError.Malformed) with
            {
                Reason = "README override: '?' inside a segment; strict base64url rejects it (the MAC is the original token's).",
            };
        }

        if (vector.IsValid)
        {
            return JwsExpectation.Valid();
        }

        if (s_keyRules.TryGetValue(vector.Comment, out var rule))
        {
            return new JwsExpectation(JwsExpectation.Outcome.KeyRejected) { KeyRule = rule };
        }

        if (s_foreignAlgorithm.Contains(vector.TcId))
        {
            return JwsExpectation.Rejected(TokenValidationError.UnsupportedAlgorithm);
        }

        if (s_byComment.TryGetValue(vector.Comment, out var error))
        {
            return JwsExpectation.Rejected(error);
        }

        if (s_signatureGroups.Contains((string?)vector.Group["comment"] ?? string.Empty))
        {
            return JwsExpectation.Rejected(TokenValidationError.BadSignature);
        }

        return new JwsExpectation(JwsExpectation.Outcome.Unknown);
    }
}
