using System.Security.Cryptography;
using System.Text;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using static JwtSessions.Validation.TokenValidationError;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// The adversarial corpus of docs/security.md: the corpus cases of its attack classes, the further structural and header
/// cases listed under them and the Authorization-header cases (checklist item 2), each built here from its recipe and paired with the exact error it must produce.
/// </summary>
/// <remarks>
/// Validators are immutable and their fake clocks are never advanced, so sharing them between cases is safe. Every case
/// carries a real signature unless the recipe is about the signature: a rejection must come from the check under test,
/// not from an accidental MAC mismatch.
/// </remarks>
internal static class AdversarialCorpus
{
    private static readonly Lazy<IReadOnlyList<CorpusCase>> s_all = new(Build);

    /// <summary>Gets HS256 with the shared test key.</summary>
    public static TokenValidator Hs256 { get; } = Validators.For(TestKeys.Hs256);

    /// <summary>Gets ES256 with the public half of the shared test key.</summary>
    public static TokenValidator Es256 { get; } = Validators.For(TestKeys.Es256.ToPublicKey());

    /// <summary>Gets RS256 (2048-bit) with the public half of the shared test key.</summary>
    public static TokenValidator Rs256 { get; } = Validators.For(TestKeys.Rs256.ToPublicKey());

    /// <summary>Gets EdDSA (Ed25519) with the public half of the shared test key.</summary>
    public static TokenValidator EdDsa { get; } = Validators.For(TestKeys.For(JwtAlgorithm.EdDSA).ToPublicKey());

    /// <summary>
    /// Gets a ring that allows HS256 next to RS256 and ES256 keys: here only the binding of each typed key to one algorithm
    /// stands between an HMAC keyed with public-key bytes and acceptance (RFC 8725 §3.1).
    /// </summary>
    public static TokenValidator Mixed { get; } = Validators.For(
        KeyRing.ForVerification(TestKeys.Hs256, TestKeys.Rs256.ToPublicKey(), TestKeys.Es256.ToPublicKey()));

    public static IReadOnlyList<TokenValidator> AllValidators { get; } = [Hs256, Es256, Rs256, EdDsa, Mixed];

    public static IReadOnlyList<CorpusCase> All => s_all.Value;

    /// <summary>Public-key material a key-confused verifier would use as an HMAC secret (docs/security.md, attack 2).</summary>
    public static IReadOnlyList<(string Id, byte[] Material, SigningKey Key)> ConfusionMaterials { get; } = BuildConfusionMaterials();

    /// <summary>The RS256/ES256 key-confusion forgery: HS256, keyed with <paramref name="material"/>, naming the public key's kid.</summary>
    public static string ConfusionToken(byte[] material, SigningKey key, bool withKid = true)
        => Forge.HmacSha256Json(Forge.Header("HS256", withKid ? key.KeyId : null), Forge.Claims(), material);

    private static SigningKey Hs => TestKeys.Hs256;

    private static string HsToken(string payloadJson) => RawToken.Sign(Forge.Header(Hs), payloadJson, Hs);

    private static string HsTokenWithHeader(string headerJson) => RawToken.Sign(headerJson, Forge.Claims(), Hs);

    private static string HsHeaderExtra(string extra) => HsTokenWithHeader(Forge.Header(Hs, extra));

    private static string WithMember(string json, string rawMember) => json[..^1] + "," + rawMember + "}";

    /// <summary>A bare token, for <see cref="TokenValidator.ValidateToken(string)"/> and <c>TryValidateToken</c>.</summary>
    private static CorpusCase Case(string id, string input, TokenValidator validator, TokenValidationError expected, Action<JwtValidationResult>? verify = null)
        => new(id, input, validator, expected, verify);

    /// <summary>An Authorization header value, for <see cref="TokenValidator.ValidateAuthorizationHeader(string)"/> and <c>TryValidateAuthorizationHeader</c>.</summary>
    private static CorpusCase Header(string id, string input, TokenValidator validator, TokenValidationError expected, Action<JwtValidationResult>? verify = null)
        => new(id, input, validator, expected, verify) { IsHeader = true };

    private static IReadOnlyList<CorpusCase> Build() =>
    [
        .. Authorization(),
        .. Structure(),
        .. Json(),
        .. Duplicates(),
        .. Algorithms(),
        .. Confusion(),
        .. Psychic(),
        .. KeyIds(),
        .. HeaderInjection(),
        .. Critical(),
        .. JweAndCompression(),
        .. Claims(),
        .. Types(),
        .. Encodings(),
        .. SignatureEncodings(),
    ];

    // docs/security.md, checklist items 1 and 2 and attack 8: strict "Bearer" SP b64token, size cap before any work.
    private static IEnumerable<CorpusCase> Authorization()
    {
        var token = HsToken(Forge.Claims());
        yield return Case("auth-bare-token-control", token, Hs256, None);
        yield return Header("auth-bearer-control", "Bearer " + token, Hs256, None);
        yield return Header("auth-lowercase-bearer", "bearer " + token, Hs256, None, static r => r.Subject.Should().Be("user-1"));
        yield return Header("auth-uppercase-bearer", "BEARER " + token, Hs256, None);
        yield return Header("auth-missing-token", "Bearer ", Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-missing-token-scheme-only", "Bearer", Hs256, InvalidAuthorizationHeader);
        yield return Case("auth-empty", string.Empty, Hs256, Malformed);
        yield return Header("auth-empty-header", string.Empty, Hs256, InvalidAuthorizationHeader);

        // A bare token is never taken for a header (docs/design/api-1.0.md): with its scheme it is just not base64url.
        yield return Case("auth-header-given-as-token", "Bearer " + token, Hs256, Malformed);
        yield return Case("auth-lowercase-header-given-as-token", "bearer " + token, Hs256, Malformed);
        yield return Header("auth-tab", "Bearer\t" + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-space-then-tab", "Bearer \t" + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-two-spaces", "Bearer  " + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-trailing-space", "Bearer " + token + " ", Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-trailing-tab", "Bearer " + token + "\t", Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-leading-space", " Bearer " + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-multiple-credentials", "Bearer " + token + ", Bearer " + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-multiple-tokens", "Bearer " + token + " " + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-other-scheme-basic", "Basic dXNlcjpwYXNzd29yZA==", Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-other-scheme-token", "Token " + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-other-scheme-dpop", "DPoP " + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-scheme-with-colon", "Bearer: " + token, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-crlf-after-token", "Bearer " + token + "\r\n", Hs256, Malformed);
        yield return Header("auth-dots-dos", "Bearer " + new string('.', 1_000_000), Hs256, TooLarge);
        yield return Case("auth-dots-dos-bare", new string('.', 1_000_000), Hs256, TooLarge);
        yield return Header("auth-dots-within-cap", "Bearer " + new string('.', 8000), Hs256, Malformed);
        yield return Header("auth-huge-segment", "Bearer " + new string('A', 1 << 20), Hs256, TooLarge);
        yield return Case("auth-huge-segment-bare", new string('A', 1 << 20), Hs256, TooLarge);

        // A header segment that fits the 8 KiB token cap but decodes to more than the 1 KiB header cap.
        yield return Header("auth-huge-header-segment-within-cap", "Bearer " + new string('A', 8000) + ".e30.AAAA", Hs256, Malformed);

        var big = HsToken(Forge.Claims(("pad", $"\"{new string('x', 7000)}\"")));
        yield return Header("auth-token-over-cap", "Bearer " + big, Hs256, TooLarge);
        var large = HsToken(Forge.Claims(("pad", $"\"{new string('x', 5500)}\"")));
        yield return Header("auth-large-token-within-cap-control", "Bearer " + large, Hs256, None);

        // A bare token just over the cap (within a header's allowance for "Bearer ") is too large, ASCII or not.
        yield return Case("auth-bare-token-just-over-cap", new string('A', 8195), Hs256, TooLarge);
        yield return Case("auth-bare-non-ascii-token-just-over-cap", new string('A', 8190) + "\u00e9AAAA", Hs256, TooLarge);

        // After the scheme, a space or tab is the header's error even where the token would fail first on its charset.
        yield return Header("auth-non-ascii-then-space", "Bearer é" + token + " x", Hs256, InvalidAuthorizationHeader);
        var (header, payload, signature) = Forge.Split(token);
        yield return Header("auth-space-in-header-segment", "Bearer " + header[..5] + " " + header[5..] + "." + payload + "." + signature, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-tab-in-payload-segment", "Bearer " + header + "." + payload[..9] + "\t" + payload[9..] + "." + signature, Hs256, InvalidAuthorizationHeader);
        yield return Header("auth-space-in-large-token", "Bearer " + large[..2000] + "	" + large[2000..], Hs256, InvalidAuthorizationHeader);
    }

    // Checklist item 3; attacks 9, 19, 20: compact JWS only, exactly three non-empty (header, payload) segments.
    private static IEnumerable<CorpusCase> Structure()
    {
        var (h, p, s) = Forge.Split(HsToken(Forge.Claims()));
        yield return Case("struct-empty", string.Empty, Hs256, Malformed);
        yield return Case("struct-only-dots", "..", Hs256, Malformed);
        yield return Case("struct-one-part", h, Hs256, Malformed);
        yield return Case("struct-two-parts", h + "." + p, Hs256, Malformed);
        yield return Case("struct-two-parts-trailing-dot", h + "." + p + ".", Hs256, BadSignature);
        yield return Case("struct-four-parts", h + "." + p + "." + s + "." + s, Hs256, Malformed);
        yield return Case("struct-four-parts-trailing-dot", h + "." + p + "." + s + ".", Hs256, Malformed);
        var jweHeader = Forge.B64("""{"alg":"RSA-OAEP","enc":"A256GCM","kid":"test-HS256"}""");
        yield return Case("struct-five-parts-jwe-shape", $"{jweHeader}.{Forge.B64(new byte[32])}.{Forge.B64(new byte[12])}.{p}.{Forge.B64(new byte[16])}", Hs256, Malformed);
        yield return Case("struct-empty-header", "." + p + "." + s, Hs256, Malformed);
        yield return Case("struct-empty-payload", RawToken.SignSegments(h, string.Empty, Hs), Hs256, Malformed);
        yield return Case("struct-empty-header-and-payload", ".." + s, Hs256, Malformed);

        // RFC 7797 §4.2 detached content: b64=false with an empty payload segment.
        var detachedHeader = Forge.B64("""{"alg":"HS256","b64":false,"crit":["b64"]}""");
        yield return Case("struct-detached-payload", RawToken.SignSegments(detachedHeader, string.Empty, Hs), Hs256, Malformed);
        yield return Case("struct-json-flattened", $$"""{"payload":"{{p}}","protected":"{{h}}","signature":"{{s}}"}""", Hs256, Malformed);
        yield return Case("struct-json-general", $$"""{"payload":"{{p}}","signatures":[{"protected":"{{h}}","signature":"{{s}}"}]}""", Hs256, Malformed);
        yield return Case("struct-header-not-object", HsTokenWithHeader("""["HS256"]"""), Hs256, Malformed);
        yield return Case("struct-header-string", HsTokenWithHeader("\"HS256\""), Hs256, Malformed);
        yield return Case("struct-header-null", HsTokenWithHeader("null"), Hs256, Malformed);
        yield return Case("struct-header-empty", RawToken.SignSegments(Forge.B64(string.Empty), p, Hs), Hs256, Malformed);
        yield return Case("struct-payload-not-object", HsToken("""["user-1"]"""), Hs256, Malformed);
        yield return Case("struct-payload-string", HsToken("\"user-1\""), Hs256, Malformed);
        yield return Case("struct-payload-number", HsToken("1768478700"), Hs256, Malformed);
        yield return Case("struct-payload-empty-object", HsToken("{}"), Hs256, MissingClaim);
    }

    // Checklist items 5, 7, 24; attacks 8, 23: strict UTF-8 JSON objects, bounded depth and members.
    private static IEnumerable<CorpusCase> Json()
    {
        var header = Forge.Header(Hs);
        var claims = Forge.Claims();
        yield return Case("json-trailing-garbage-header", HsTokenWithHeader(header + "x"), Hs256, Malformed);
        yield return Case("json-trailing-garbage-header-second-object", HsTokenWithHeader(header + "{}"), Hs256, Malformed);
        yield return Case("json-trailing-garbage-header-nul", HsTokenWithHeader(header + "\0"), Hs256, Malformed);
        yield return Case("json-trailing-garbage-payload", HsToken(claims + "x"), Hs256, Malformed);
        yield return Case("json-trailing-garbage-payload-second-object", HsToken(claims + """{"sub":"admin"}"""), Hs256, Malformed);
        yield return Case("json-trailing-garbage-payload-nul", HsToken(claims + "\0"), Hs256, Malformed);
        yield return Case("json-utf16-header", Forge.SignBytes(Encoding.Unicode.GetBytes(header), Forge.Utf8(claims), Hs), Hs256, Malformed);
        yield return Case("json-utf16be-header", Forge.SignBytes(Encoding.BigEndianUnicode.GetBytes(header), Forge.Utf8(claims), Hs), Hs256, Malformed);
        yield return Case("json-utf16-bom-header", Forge.SignBytes([0xFF, 0xFE, .. Encoding.Unicode.GetBytes(header)], Forge.Utf8(claims), Hs), Hs256, Malformed);
        yield return Case("json-utf32-header", Forge.SignBytes(Encoding.UTF32.GetBytes(header), Forge.Utf8(claims), Hs), Hs256, Malformed);
        yield return Case("json-utf16-payload", Forge.SignBytes(Forge.Utf8(header), Encoding.Unicode.GetBytes(claims), Hs), Hs256, Malformed);
        yield return Case("json-bom-header", Forge.SignBytes([0xEF, 0xBB, 0xBF, .. Forge.Utf8(header)], Forge.Utf8(claims), Hs), Hs256, Malformed);
        yield return Case("json-bom-payload", Forge.SignBytes(Forge.Utf8(header), [0xEF, 0xBB, 0xBF, .. Forge.Utf8(claims)], Hs), Hs256, Malformed);

        // Invalid UTF-8 inside a custom claim string: 0xFF, an overlong '/', a CESU-8 (UTF-8-encoded) lone surrogate.
        byte[] Payload(params byte[] bad) => [.. Forge.Utf8(claims[..^1] + ",\"x\":\"a"), .. bad, .. Forge.Utf8("\"}")];
        yield return Case("json-invalid-utf8-payload", Forge.SignBytes(Forge.Utf8(header), Payload(0xFF), Hs), Hs256, Malformed);
        yield return Case("json-overlong-utf8-payload", Forge.SignBytes(Forge.Utf8(header), Payload(0xC0, 0xAF), Hs), Hs256, Malformed);
        yield return Case("json-encoded-surrogate-payload", Forge.SignBytes(Forge.Utf8(header), Payload(0xED, 0xA0, 0x80), Hs), Hs256, Malformed);
        yield return Case("json-invalid-utf8-header", Forge.SignBytes([.. Forge.Utf8(header[..^1] + ",\"x\":\""), 0xFF, .. Forge.Utf8("\"}")], Forge.Utf8(claims), Hs), Hs256, Malformed);
        yield return Case("json-lone-surrogate-claim", HsToken(Forge.Claims(("sub", "\"\\ud800\""))), Hs256, Malformed);
        yield return Case("json-lone-low-surrogate-claim", HsToken(Forge.Claims(("jti", "\"\\udc00x\""))), Hs256, Malformed);
        yield return Case("json-lone-surrogate-custom-claim", HsToken(Forge.Claims(("x", "\"\\ud83d\""))), Hs256, Malformed);
        yield return Case("json-lone-surrogate-claim-name", HsToken(WithMember(claims, "\"\\ud800\":1")), Hs256, Malformed);
        yield return Case("json-lone-surrogate-header", HsHeaderExtra("\"x\":\"\\ud800\""), Hs256, Malformed);
        yield return Case("json-lone-surrogate-in-typ-array", HsTokenWithHeader("""{"alg":"HS256","kid":"test-HS256","typ":["\ud800"]}"""), Hs256, Malformed);

        // Longer escaped than the alg and typ buffers, so a check on the escaped length alone would never unescape them.
        yield return Case("json-lone-surrogate-long-alg", HsTokenWithHeader(Forge.Header("\\ud800\\ud800\\ud800", Hs.KeyId)), Hs256, Malformed);
        yield return Case("json-lone-surrogate-long-typ", HsTokenWithHeader($$"""{"alg":"HS256","kid":"test-HS256","typ":"{{string.Concat(Enumerable.Repeat("\\ud800", 22))}}"}"""), Hs256, Malformed);
        yield return Case("json-surrogate-pair-claim-control", HsToken(Forge.Claims(("x", "\"\\ud83d\\ude00\""))), Hs256, None);

        var deep = new string('[', 1500) + new string(']', 1500);
        yield return Case("json-deep-nesting", HsToken(WithMember(claims, "\"x\":" + deep)), Hs256, Malformed);
        yield return Case("json-deep-nesting-objects", HsToken(WithMember(claims, "\"x\":" + string.Concat(Enumerable.Repeat("{\"a\":", 700)) + "1" + new string('}', 700))), Hs256, Malformed);
        yield return Case("json-deep-nesting-header", HsHeaderExtra("\"x\":" + deep), Hs256, Malformed);
        yield return Case("json-nesting-17-payload", HsToken(WithMember(claims, "\"x\":" + new string('[', 16) + new string(']', 16))), Hs256, Malformed);
        yield return Case("json-nesting-15-payload-control", HsToken(WithMember(claims, "\"x\":" + new string('[', 14) + new string(']', 14))), Hs256, None);
        var members = string.Join(",", Enumerable.Range(0, 300).Select(static i => $"\"m{i}\":0"));
        yield return Case("json-too-many-members-payload", HsToken(WithMember(claims, members)), Hs256, Malformed);
        yield return Case("json-comment-header", HsTokenWithHeader(header[..^1] + "/*x*/}"), Hs256, Malformed);
        yield return Case("json-trailing-comma-header", HsTokenWithHeader(header[..^1] + ",}"), Hs256, Malformed);
        yield return Case("json-trailing-comma-payload", HsToken(claims[..^1] + ",}"), Hs256, Malformed);
        yield return Case("json-single-quotes-payload", HsToken(claims.Replace("\"sub\"", "'sub'", StringComparison.Ordinal)), Hs256, Malformed);
        yield return Case("json-unquoted-name-payload", HsToken(WithMember(claims, "x:1")), Hs256, Malformed);
        yield return Case("json-nan-claim", HsToken(WithMember(claims, "\"x\":NaN")), Hs256, Malformed);
        yield return Case("json-invalid-escape-claim", HsToken(Forge.Claims(("x", "\"\\x41\""))), Hs256, Malformed);
        yield return Case("json-raw-control-char-claim", HsToken(Forge.Claims(("x", "\"a\u0001b\""))), Hs256, Malformed);
        yield return Case("json-leading-whitespace-control", HsToken(" \n" + claims + " \n"), Hs256, None);
    }

    // Attack 11: duplicates rejected in header and claims, after unescaping, at every level.
    private static IEnumerable<CorpusCase> Duplicates()
    {
        yield return Case("dup-alg-none-last", HsHeaderExtra("\"alg\":\"none\""), Hs256, Malformed);
        yield return Case("dup-alg-hs-last", HsTokenWithHeader("""{"alg":"none","kid":"test-HS256","typ":"at+jwt","alg":"HS256"}"""), Hs256, Malformed);
        yield return Case("dup-escaped-header-name", HsHeaderExtra("\"\\u0061lg\":\"none\""), Hs256, Malformed);
        yield return Case("dup-kid", HsHeaderExtra("\"kid\":\"other\""), Hs256, Malformed);
        yield return Case("dup-typ", HsHeaderExtra("\"typ\":\"rt+jwt\""), Hs256, Malformed);
        yield return Case("dup-sub-claim", HsToken(WithMember(Forge.Claims(), "\"sub\":\"admin\"")), Hs256, Malformed);
        yield return Case("dup-escaped-name", HsToken(WithMember(Forge.Claims(), "\"s\\u0075b\":\"admin\"")), Hs256, Malformed);
        yield return Case("dup-exp-claim", HsToken(WithMember(Forge.Claims(), "\"exp\":99999999999")), Hs256, Malformed);
        yield return Case("dup-aud-claim", HsToken(WithMember(Forge.Claims(), "\"aud\":\"api://other\"")), Hs256, Malformed);
        yield return Case("dup-nested-claim", HsToken(Forge.Claims(("x", """{"a":1,"a":2}"""))), Hs256, Malformed);
        yield return Case("dup-nested-in-array-claim", HsToken(Forge.Claims(("x", """[{"a":1,"\u0061":2}]"""))), Hs256, Malformed);
        // A non-string alg or typ is still walked under the header's rules: its duplicates and lone surrogates are malformed,
        // not an unknown algorithm or the wrong type.
        yield return Case("dup-inside-alg-object", HsTokenWithHeader("""{"alg":{"a":1,"a":2},"kid":"test-HS256","typ":"at+jwt"}"""), Hs256, Malformed);
        yield return Case("dup-inside-typ-object", HsTokenWithHeader("""{"alg":"HS256","kid":"test-HS256","typ":{"a":1,"a":2}}"""), Hs256, Malformed);
        yield return Case("dup-inside-typ-array-object", HsTokenWithHeader("""{"alg":"HS256","kid":"test-HS256","typ":[{"a":1,"\u0061":2}]}"""), Hs256, Malformed);
        yield return Case("dup-same-name-sibling-objects-control", HsToken(Forge.Claims(("x", """{"a":1}"""), ("y", """[{"a":1},{"a":2}]"""))), Hs256, None);
    }

    // Attacks 1, 10; checklist item 8: exact, case-sensitive allowlist; none is never accepted.
    private static IEnumerable<CorpusCase> Algorithms()
    {
        var claims = Forge.Claims();
        string Unsecured(string alg) => Forge.B64(Forge.Header(alg, null)) + "." + Forge.B64(claims) + ".";
        yield return Case("alg-none-empty-sig", Unsecured("none"), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-None-empty-sig", Unsecured("None"), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-NONE-empty-sig", Unsecured("NONE"), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-nOnE-empty-sig", Unsecured("nOnE"), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-none-escaped-empty-sig", Unsecured("n\\u006fne"), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-none-with-sig", HsTokenWithHeader(Forge.Header("none", Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-none-empty-sig-es256", Unsecured("none"), Es256, UnsupportedAlgorithm);
        yield return Case("alg-missing", HsTokenWithHeader(Forge.Header(alg: null, kid: Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-empty", HsTokenWithHeader(Forge.Header(string.Empty, Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-lowercase-hs256", HsTokenWithHeader(Forge.Header("hs256", Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-trailing-space", HsTokenWithHeader(Forge.Header("HS256 ", Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-trailing-nul", HsTokenWithHeader(Forge.Header("HS256\\u0000", Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-not-string", HsTokenWithHeader("""{"alg":256,"kid":"test-HS256","typ":"at+jwt"}"""), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-array", HsTokenWithHeader("""{"alg":["HS256"],"kid":"test-HS256","typ":"at+jwt"}"""), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-null", HsTokenWithHeader("""{"alg":null,"kid":"test-HS256","typ":"at+jwt"}"""), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-object", HsTokenWithHeader("""{"alg":{"name":"HS256"},"kid":"test-HS256","typ":"at+jwt"}"""), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-long-string", HsTokenWithHeader(Forge.Header(new string('H', 600), Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-escaped-hs256-control", HsTokenWithHeader(Forge.Header("HS\\u003256", Hs.KeyId)), Hs256, None);

        // Every character escaped: 30 bytes as written, five as read. Compared as read, like any other spelling of HS256.
        yield return Case("alg-fully-escaped-hs256-control", HsTokenWithHeader(Forge.Header("\\u0048\\u0053\\u0032\\u0035\\u0036", Hs.KeyId)), Hs256, None);
        yield return Case("typ-fully-escaped-control", HsTokenWithHeader($$"""{"alg":"HS256","kid":"test-HS256","typ":"{{string.Concat("at+jwt".Select(c => $"\\u{(int)c:x4}"))}}"}"""), Hs256, None);
        var hs512 = TestKeys.For(JwtAlgorithm.HS512);
        yield return Case("alg-hs512-not-allowed", RawToken.Valid(hs512), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-hs512-not-allowed-hs256-kid", RawToken.Sign(Forge.Header("HS512", Hs.KeyId), claims, hs512), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-pbes2", HsTokenWithHeader(Forge.Header("PBES2-HS256+A128KW", Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-rsa1_5", HsTokenWithHeader(Forge.Header("RSA1_5", Hs.KeyId)), Hs256, UnsupportedAlgorithm);
        yield return Case("alg-es256k", HsTokenWithHeader(Forge.Header("ES256K", Hs.KeyId)), Hs256, UnsupportedAlgorithm);
    }

    // Attack 2: HS256 keyed with public-key bytes. Each forgery really verifies under naive HMAC (see ForgeriesAreReal).
    private static IEnumerable<CorpusCase> Confusion()
    {
        foreach (var (id, material, key) in ConfusionMaterials)
        {
            var name = "alg-confusion-hs256-keyed-with-" + id;
            var own = key.Algorithm == JwtAlgorithm.RS256 ? Rs256 : Es256;
            yield return Case(name, ConfusionToken(material, key), own, UnsupportedAlgorithm);
            yield return Case(name + "-hs256-allowed", ConfusionToken(material, key), Mixed, AlgorithmMismatch);
            yield return Case(name + "-hs256-allowed-no-kid", ConfusionToken(material, key, withKid: false), Mixed, BadSignature);
        }

        var rs = TestKeys.Rs256;
        var es = TestKeys.Es256;
        var rsToEs = RawToken.Sign(Forge.Header("RS256", es.KeyId), Forge.Claims(), rs);
        yield return Case("alg-rs256-token-to-es256-key", rsToEs, Es256, UnsupportedAlgorithm);
        yield return Case("alg-rs256-token-to-es256-key-rs256-allowed", rsToEs, Mixed, AlgorithmMismatch);
        yield return Case("alg-es256-token-to-rs256-key-es256-allowed", RawToken.Sign(Forge.Header("ES256", rs.KeyId), Forge.Claims(), es), Mixed, AlgorithmMismatch);
        yield return Case("alg-hs256-token-to-hs384-kid", RawToken.Sign(Forge.Header("HS256", "test-HS384"), Forge.Claims(), Hs), Mixed, UnknownKey);
    }

    // Attack 3: r, s outside [1, n) must fail before the provider (CVE-2022-21449).
    private static IEnumerable<CorpusCase> Psychic()
    {
        var (h, p, _) = Forge.Split(RawToken.Valid(TestKeys.Es256));
        byte[] zero = new byte[32], one = Forge.Scalar(1), n = Forge.P256Order;
        string With(byte[] r, byte[] s) => h + "." + p + "." + Forge.B64([.. r, .. s]);
        yield return Case("es256-psychic-r0-s0", With(zero, zero), Es256, BadSignature);
        yield return Case("es256-psychic-r0-s1", With(zero, one), Es256, BadSignature);
        yield return Case("es256-psychic-r1-s0", With(one, zero), Es256, BadSignature);
        yield return Case("es256-psychic-rN-sN", With(n, n), Es256, BadSignature);
        yield return Case("es256-psychic-rN-s1", With(n, one), Es256, BadSignature);
        yield return Case("es256-psychic-r1-sN", With(one, n), Es256, BadSignature);
        var ff = Enumerable.Repeat((byte)0xFF, 32).ToArray();
        yield return Case("es256-psychic-rMax-sMax", With(ff, ff), Es256, BadSignature);
    }

    // Attack 5: kid is an opaque exact lookup; every recipe is HMAC'd with the empty key (the /dev/null trick).
    private static IEnumerable<CorpusCase> KeyIds()
    {
        string EmptyKey(string kidJson) => Forge.HmacSha256Json($$"""{"alg":"HS256","kid":{{kidJson}},"typ":"at+jwt"}""", Forge.Claims(), []);
        string RealKey(string kidJson) => HsTokenWithHeader($$"""{"alg":"HS256","kid":{{kidJson}},"typ":"at+jwt"}""");
        yield return Case("kid-path-traversal", EmptyKey("\"../../../../../../dev/null\""), Hs256, UnknownKey);
        yield return Case("kid-sqli", EmptyKey("\"x' UNION SELECT 'AA==' -- \""), Hs256, UnknownKey);
        yield return Case("kid-nul", EmptyKey("\"\\u0000\""), Hs256, UnknownKey);
        yield return Case("kid-nul-suffix", EmptyKey("\"test-HS256\\u0000\""), Hs256, UnknownKey);
        yield return Case("kid-empty", EmptyKey("\"\""), Hs256, UnknownKey);
        yield return Case("kid-huge", EmptyKey($"\"{new string('A', 5000)}\""), Hs256, Malformed);
        yield return Case("kid-long", EmptyKey($"\"{new string('A', 300)}\""), Hs256, UnknownKey);
        yield return Case("kid-non-string", EmptyKey("123"), Hs256, Malformed);
        yield return Case("kid-null", EmptyKey("null"), Hs256, Malformed);
        yield return Case("kid-array", EmptyKey("""["test-HS256"]"""), Hs256, Malformed);
        yield return Case("kid-object", EmptyKey("""{"kid":"test-HS256"}"""), Hs256, Malformed);

        // A present but unknown kid never falls back to the ring's only key, even when that key made the signature.
        yield return Case("kid-long-real-signature", RealKey($"\"{new string('A', 300)}\""), Hs256, UnknownKey);
        yield return Case("kid-case-real-signature", RealKey("\"TEST-HS256\""), Hs256, UnknownKey);
        yield return Case("kid-escaped-equal-control", RealKey("\"\\u0074est-HS256\""), Hs256, None);
    }

    // Attack 6: keys come only from configuration; jwk/jku/x5u/x5c are rejected, never used or fetched.
    private static IEnumerable<CorpusCase> HeaderInjection()
    {
        var attacker = SigningKey.Generate(JwtAlgorithm.ES256, "attacker");
        var jwk = attacker.ToJsonWebKey();
        var embedded = $$"""{"kty":"EC","crv":"P-256","x":"{{jwk.X}}","y":"{{jwk.Y}}"}""";
        var es = TestKeys.Es256;
        yield return Case("jwk-header-injection", RawToken.Sign(Forge.Header("ES256", es.KeyId, extra: "\"jwk\":" + embedded), Forge.Claims(), attacker), Es256, UnsupportedHeader);
        yield return Case("jwk-header-injection-no-kid", RawToken.Sign(Forge.Header("ES256", null, extra: "\"jwk\":" + embedded), Forge.Claims(), attacker), Es256, UnsupportedHeader);
        yield return Case("jwk-header-injection-attacker-kid", RawToken.Sign(Forge.Header("ES256", "attacker", extra: "\"jwk\":" + embedded), Forge.Claims(), attacker), Es256, UnsupportedHeader);
        yield return Case("jwk-header-attacker-key-without-jwk", RawToken.Sign(Forge.Header("ES256", es.KeyId), Forge.Claims(), attacker), Es256, BadSignature);
        yield return Case("jku-loopback", HsHeaderExtra("\"jku\":\"http://127.0.0.1:1/.well-known/jwks.json\""), Hs256, UnsupportedHeader);
        yield return Case("jku-loopback-es256", RawToken.Sign(Forge.Header("ES256", "attacker", extra: "\"jku\":\"http://127.0.0.1:1/jwks\""), Forge.Claims(), attacker), Es256, UnsupportedHeader);
        yield return Case("x5u-metadata", HsHeaderExtra("\"x5u\":\"http://169.254.169.254/latest/meta-data/iam/security-credentials/\""), Hs256, UnsupportedHeader);
        var spki = Convert.ToBase64String(Forge.EcdsaOf(attacker).ExportSubjectPublicKeyInfo());
        yield return Case("x5c-header-injection", RawToken.Sign(Forge.Header("ES256", es.KeyId, extra: $"\"x5c\":[\"{spki}\"]"), Forge.Claims(), attacker), Es256, UnsupportedHeader);
        yield return Case("x5t-hint-control", HsHeaderExtra("\"x5t\":\"AAAA\""), Hs256, None);
    }

    // Attacks 7, 13: no extension is implemented, so any crit (and any b64) is rejected.
    private static IEnumerable<CorpusCase> Critical()
    {
        yield return Case("crit-unknown", HsHeaderExtra("\"crit\":[\"https://example.invalid/ext\"],\"https://example.invalid/ext\":true"), Hs256, UnsupportedHeader);
        yield return Case("crit-empty", HsHeaderExtra("\"crit\":[]"), Hs256, UnsupportedHeader);
        yield return Case("crit-registered-name", HsHeaderExtra("\"crit\":[\"alg\"]"), Hs256, UnsupportedHeader);
        yield return Case("crit-absent-name", HsHeaderExtra("\"crit\":[\"foo\"]"), Hs256, UnsupportedHeader);
        yield return Case("crit-not-array", HsHeaderExtra("\"crit\":\"foo\""), Hs256, UnsupportedHeader);
        yield return Case("crit-non-string-entries", HsHeaderExtra("\"crit\":[1,null]"), Hs256, UnsupportedHeader);
        yield return Case("crit-escaped-name", HsHeaderExtra("\"\\u0063rit\":[\"foo\"],\"foo\":1"), Hs256, UnsupportedHeader);

        // RFC 7797: with b64=false the signing input is ASCII(header) '.' payload-bytes. When the payload bytes are the
        // base64url text of the claims, the compact token and its MAC are byte-identical to a normal JWS of those claims.
        var payloadText = Forge.B64(Forge.Claims());
        var b64Header = Forge.B64(Forge.Header(Hs, "\"b64\":false,\"crit\":[\"b64\"]"));
        yield return Case("b64-false-crit", Forge.SignSegments(b64Header, payloadText, Hs), Hs256, UnsupportedHeader);
        yield return Case("b64-false-no-crit", HsHeaderExtra("\"b64\":false"), Hs256, UnsupportedHeader);
        yield return Case("b64-true", HsHeaderExtra("\"b64\":true"), Hs256, UnsupportedHeader);
    }

    // Attacks 4, 9, 10: nothing of JWE, no compression, no PBES2, before any crypto.
    private static IEnumerable<CorpusCase> JweAndCompression()
    {
        yield return Case("jwe-pbes2-p2c-five-parts", Pbes2FiveParts, Hs256, Malformed);
        yield return Case("pbes2-p2c-three-parts", HsTokenWithHeader("""{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2c":2147483647,"p2s":"AAAAAAAAAAAAAAAAAAAAAA","typ":"at+jwt"}"""), Hs256, UnsupportedHeader);
        yield return Case("p2c-header", HsHeaderExtra("\"p2c\":2147483647"), Hs256, UnsupportedHeader);
        yield return Case("p2s-header", HsHeaderExtra("\"p2s\":\"AAAAAAAAAAAAAAAAAAAAAA\""), Hs256, UnsupportedHeader);
        yield return Case("zip-header", HsTokenWithHeader("""{"alg":"HS256","zip":"DEF","kid":"test-HS256","typ":"at+jwt"}"""), Hs256, UnsupportedHeader);
        yield return Case("enc-header", HsHeaderExtra("\"enc\":\"A128GCM\""), Hs256, UnsupportedHeader);
        yield return Case("epk-header", HsHeaderExtra("\"epk\":{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}"), Hs256, UnsupportedHeader);
    }

    /// <summary>Gets the attack 10 case: a PBES2 JWE with p2c = 2^31 − 1, which must be rejected in well under 1 ms.</summary>
    public static string Pbes2FiveParts { get; } = string.Join(
        ".",
        Forge.B64("""{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2c":2147483647,"p2s":"AAAAAAAAAAAAAAAAAAAAAA"}"""),
        Forge.B64(new byte[24]),
        Forge.B64(new byte[12]),
        Forge.B64(new byte[64]),
        Forge.B64(new byte[16]));

    // Attack 12, checklist items 25 to 29: registered claims are typed, finite and in range; exact iss; aud a string or array of strings.
    private static IEnumerable<CorpusCase> Claims()
    {
        var now = TestClock.StartSeconds;
        CorpusCase C(string id, TokenValidationError expected, params (string, string?)[] changes) => Case(id, HsToken(Forge.Claims(changes)), Hs256, expected);
        CorpusCase Accept(string id, Action<JwtValidationResult> verify, params (string, string?)[] changes) => Case(id, HsToken(Forge.Claims(changes)), Hs256, None, verify);

        yield return C("exp-string", InvalidClaim, ("exp", $"\"{now + 300}\""));
        yield return C("exp-bool", InvalidClaim, ("exp", "true"));
        yield return C("exp-null", InvalidClaim, ("exp", "null"));
        yield return C("exp-array", InvalidClaim, ("exp", $"[{now + 300}]"));
        yield return C("exp-object", InvalidClaim, ("exp", "{}"));
        yield return C("exp-1e309", InvalidClaim, ("exp", "1e309"));
        yield return C("exp-2pow63", InvalidClaim, ("exp", "9223372036854775808"));
        yield return C("exp-int64-max", InvalidClaim, ("exp", "9223372036854775807"));
        yield return C("exp-2pow64-plus", InvalidClaim, ("exp", "18446744073709551617"));
        yield return C("exp-1e50", InvalidClaim, ("exp", "1e50"));
        yield return C("exp-year-10000", InvalidClaim, ("exp", "253402300800"));
        yield return C("exp-negative", InvalidClaim, ("exp", "-1"));
        yield return C("exp-negative-fraction", InvalidClaim, ("exp", "-0.5"));
        yield return C("exp-missing", MissingClaim, ("exp", null));
        yield return C("exp-past", Expired, ("exp", Forge.Number(now - 3600)));
        yield return C("exp-zero", Expired, ("exp", "0"));
        yield return Accept("exp-fraction", static r => r.ExpiresAt.Should().Be(TestClock.Start.AddSeconds(300.5)), ("exp", Forge.Number(now + 300) + ".5"));
        yield return Accept("exp-exponent-notation", static r => r.ExpiresAt.Should().Be(TestClock.Start.AddSeconds(300)), ("exp", Forge.Number(now + 300) + "e0"));
        yield return Accept("exp-max-in-range", static r => r.ExpiresAt.Should().Be(DateTimeOffset.FromUnixTimeSeconds(253402300799)), ("exp", "253402300799"));
        yield return C("nbf-future", NotYetValid, ("nbf", Forge.Number(now + 3600)));
        yield return C("nbf-string", InvalidClaim, ("nbf", $"\"{now}\""));
        yield return C("nbf-1e309", InvalidClaim, ("nbf", "1e309"));
        yield return C("iat-future", IssuedInFuture, ("iat", Forge.Number(now + 3600)));
        yield return C("iat-string", InvalidClaim, ("iat", $"\"{now}\""));
        yield return C("iat-negative", InvalidClaim, ("iat", "-1"));
        yield return C("iat-missing", MissingClaim, ("iat", null));
        yield return C("aud-array-nonstring", InvalidClaim, ("aud", $"[\"{RawToken.Audience}\",1]"));
        yield return C("aud-array-null", InvalidClaim, ("aud", $"[\"{RawToken.Audience}\",null]"));
        yield return C("aud-nested-array", InvalidClaim, ("aud", $"[[\"{RawToken.Audience}\"]]"));
        yield return C("aud-array-object", InvalidClaim, ("aud", $"[{{\"aud\":\"{RawToken.Audience}\"}}]"));
        yield return C("aud-number", InvalidClaim, ("aud", "1"));
        yield return C("aud-null", InvalidClaim, ("aud", "null"));
        yield return C("aud-bool", InvalidClaim, ("aud", "true"));
        yield return C("aud-object", InvalidClaim, ("aud", $"{{\"aud\":\"{RawToken.Audience}\"}}"));
        yield return C("aud-empty-array", WrongAudience, ("aud", "[]"));
        yield return C("aud-empty-string", WrongAudience, ("aud", "\"\""));
        yield return C("aud-wrong", WrongAudience, ("aud", "\"api://other\""));
        yield return C("aud-case", WrongAudience, ("aud", "\"API://TEST\""));
        yield return C("aud-prefix", WrongAudience, ("aud", "\"api://test/extra\""));
        yield return C("aud-missing", MissingClaim, ("aud", null));
        yield return Accept("aud-array-ok", static r => r.Audiences.Should().Equal("api://other", RawToken.Audience), ("aud", $"[\"api://other\",\"{RawToken.Audience}\"]"));
        yield return Accept("aud-escaped-ok", static r => r.Audiences.Should().Equal(RawToken.Audience), ("aud", "\"api:\\/\\/test\""));
        yield return C("iss-case", WrongIssuer, ("iss", "\"HTTPS://ISSUER.TEST\""));
        yield return C("iss-wrong", WrongIssuer, ("iss", "\"https://evil.test\""));
        yield return C("iss-trailing-slash", WrongIssuer, ("iss", "\"https://issuer.test/\""));
        yield return C("iss-fullwidth-lookalike", WrongIssuer, ("iss", "\"https://\uFF49ssuer.test\""));
        yield return C("iss-number", InvalidClaim, ("iss", "1"));
        yield return C("iss-array", InvalidClaim, ("iss", $"[\"{RawToken.Issuer}\"]"));
        yield return C("iss-missing", MissingClaim, ("iss", null));
        yield return Accept("iss-escaped-ok", static r => r.Claims!.Issuer.Should().Be(RawToken.Issuer), ("iss", "\"https:\\/\\/issuer.test\""));
        yield return C("sub-missing", MissingClaim, ("sub", null));
        yield return C("sub-number", InvalidClaim, ("sub", "1"));
        yield return C("jti-missing", MissingClaim, ("jti", null));
        yield return C("jti-number", InvalidClaim, ("jti", "1"));
        yield return C("sid-number", InvalidClaim, ("sid", "1"));

        // Empty identifiers name nobody: an application keying users or sessions by them must never see "".
        yield return C("sub-empty", InvalidClaim, ("sub", "\"\""));
        yield return C("jti-empty", InvalidClaim, ("jti", "\"\""));
        yield return C("sid-empty", InvalidClaim, ("sid", "\"\""));
        // An escape elsewhere sends the payload to the full reader: the same answer.
        yield return C("sub-empty-full-reader", InvalidClaim, ("sub", "\"\""), ("x", "\"\\u0041\""));
        yield return Accept("sub-escaped-single-char-ok", static r => r.Subject.Should().Be("A"), ("sub", "\"\\u0041\""));
        yield return Accept("sub-space-ok", static r => r.Subject.Should().Be(" "), ("sub", "\" \""));
        yield return C("gen-negative", InvalidClaim, ("gen", "-1"));
        yield return C("gen-fraction", InvalidClaim, ("gen", "1.5"));
        yield return Accept("claims-nested-iss-ignored", static r => r.Claims!.Issuer.Should().Be(RawToken.Issuer), ("x", """{"iss":"https://evil.test","exp":0}"""));
    }

    // Attack 22, checklist item 13: explicit typing; a refresh token is never an access token.
    private static IEnumerable<CorpusCase> Types()
    {
        var refreshIssuer = new TokenIssuer(new TokenIssuerOptions
        {
            Issuer = RawToken.Issuer,
            Audiences = { RawToken.Audience },
            Keys = KeyRing.Create(Hs),
            TimeProvider = TestClock.Create(),
            Type = "rt+jwt",
        });
        var refresh = refreshIssuer.Mint("user-1", "sid-1", TimeSpan.FromMinutes(30), notAfter: null, generation: 1).Token;
        yield return Case("typ-refresh-as-access", refresh, Hs256, WrongType);
        yield return Case("typ-refresh-application-prefix", HsTokenWithHeader(Forge.Header("HS256", Hs.KeyId, "application/rt+jwt")), Hs256, WrongType);
        yield return Case("typ-missing", HsTokenWithHeader(Forge.Header("HS256", Hs.KeyId, typ: null)), Hs256, WrongType);
        yield return Case("typ-jwt", HsTokenWithHeader(Forge.Header("HS256", Hs.KeyId, "JWT")), Hs256, WrongType);
        yield return Case("typ-at-jwt-prefix-only", HsTokenWithHeader(Forge.Header("HS256", Hs.KeyId, "application/")), Hs256, WrongType);
        yield return Case("typ-not-string", HsTokenWithHeader("""{"alg":"HS256","kid":"test-HS256","typ":1}"""), Hs256, WrongType);
        yield return Case("typ-application-prefix-control", HsTokenWithHeader(Forge.Header("HS256", Hs.KeyId, "application/at+jwt")), Hs256, None);
        yield return Case("typ-uppercase-control", HsTokenWithHeader(Forge.Header("HS256", Hs.KeyId, "Application/AT+JWT")), Hs256, None);
    }

    // Attacks 14, 15: strict base64url before any platform decoder; whitespace never ignored.
    private static IEnumerable<CorpusCase> Encodings()
    {
        // A payload whose segment has both an unpadded length and '-'/'_' characters, so every re-encoding applies.
        // A token whose payload has an unpadded length and whose payload and signature hold '-' or '_', so every
        // re-encoding below changes the text.
        static bool UrlSafeOnly(string segment) => segment.AsSpan().IndexOfAny('-', '_') >= 0;
        var token = Enumerable.Range(0, 256)
            .Select(static i => HsToken(Forge.Claims(("x", $"\"{new string('a', i % 8)}???>>>{i}\""))))
            .First(t => Forge.Split(t) is var (_, payload, signature) && payload.Length % 4 != 0 && UrlSafeOnly(payload) && UrlSafeOnly(signature));
        var (h, p, s) = Forge.Split(token);
        string Resign(string header, string payload) => Forge.SignSegments(header, payload, Hs);
        yield return Case("b64-std-alphabet-control", token, Hs256, None);
        yield return Case("b64-std-alphabet", Resign(h, Forge.StandardAlphabet(p)), Hs256, Malformed);
        yield return Case("b64-std-alphabet-sig", h + "." + p + "." + Forge.StandardAlphabet(s), Hs256, Malformed);
        yield return Case("b64-padding-seg1", Resign(Forge.Pad(h), p), Hs256, Malformed);
        yield return Case("b64-padding-seg2", Resign(h, Forge.Pad(p)), Hs256, Malformed);
        yield return Case("b64-padding-seg3", h + "." + p + "." + Forge.Pad(s), Hs256, Malformed);
        yield return Case("b64-padding-only-seg3", h + "." + p + "." + s + "=", Hs256, Malformed);
        yield return Case("b64-noncanonical-trailing-bits-seg1", Resign(Forge.NonCanonicalTrailingBits(h), p), Hs256, Malformed);
        yield return Case("b64-noncanonical-trailing-bits-seg2", Resign(h, Forge.NonCanonicalTrailingBits(p)), Hs256, Malformed);
        yield return Case("b64-noncanonical-trailing-bits-seg3", h + "." + p + "." + Forge.NonCanonicalTrailingBits(s), Hs256, Malformed);
        yield return Case("b64-length-1-mod-4", Resign(h + "AAA", p), Hs256, Malformed);
        yield return Case("b64-invalid-char-in-sig", h + "." + p + "." + s[..10] + "!" + s[10..], Hs256, Malformed);
        yield return Case("b64-percent-in-sig", h + "." + p + "." + s[..10] + "%" + s[10..], Hs256, Malformed);
        yield return Case("b64-dollar-in-sig", h + "." + p + "." + s[..10] + "$" + s[10..], Hs256, Malformed);
        yield return Case("b64-backslash-in-sig", h + "." + p + "." + s[..10] + "\\" + s[10..], Hs256, Malformed);
        yield return Case("b64-plus-in-sig", h + "." + p + "." + s[..10] + "+" + s[10..], Hs256, Malformed);
        yield return Case("b64-equals-inside-sig", h + "." + p + "." + s[..10] + "=" + s[10..], Hs256, Malformed);
        yield return Case("b64-question-mark-in-header", h[..5] + "?" + h[5..] + "." + p + "." + s, Hs256, Malformed);
        yield return Case("b64-question-mark-in-payload", h + "." + p[..5] + "?" + p[5..] + "." + s, Hs256, Malformed);
        yield return Case("b64-non-ascii-in-payload", h + "." + p[..5] + "\u00e9" + p[5..] + "." + s, Hs256, Malformed);
        yield return Case("b64-fullwidth-letter-in-sig", h + "." + p + "." + s[..5] + "\uFF21" + s[5..], Hs256, Malformed);
        yield return Case("ws-trailing-space", token + " ", Hs256, Malformed);
        yield return Case("ws-leading-space", " " + token, Hs256, Malformed);
        yield return Case("ws-space-before-sig", h + "." + p + ". " + s, Hs256, Malformed);
        yield return Case("ws-tab-in-sig", h + "." + p + "." + s[..10] + "\t" + s[10..], Hs256, Malformed);
        yield return Case("ws-trailing-newline", token + "\n", Hs256, Malformed);
        yield return Case("ws-trailing-crlf", token + "\r\n", Hs256, Malformed);
        yield return Case("ws-inner-newline", h + "." + p[..10] + "\n" + p[10..] + "." + s, Hs256, Malformed);
        yield return Case("ws-inner-crlf-mime", h + "." + p[..8] + "\r\n" + p[8..] + "." + s, Hs256, Malformed);
        yield return Case("ws-vertical-tab", h + "." + p + "." + s[..10] + "\v" + s[10..], Hs256, Malformed);
        yield return Case("ws-form-feed", h + "\f." + p + "." + s, Hs256, Malformed);
        yield return Case("ws-no-break-space", h + "." + p + "." + s + "\u00A0", Hs256, Malformed);
        yield return Case("ws-trailing-nul", token + "\0", Hs256, Malformed);
    }

    // Attacks 15 to 17, 21: exact signature lengths and encodings; malleability does not change the claims.
    private static IEnumerable<CorpusCase> SignatureEncodings()
    {
        var hs = HsToken(Forge.Claims());
        var hsSig = Forge.SignatureOf(hs);
        byte[] Flip(byte[] sig, int index, byte mask)
        {
            var copy = (byte[])sig.Clone();
            copy[index] ^= mask;
            return copy;
        }

        yield return Case("hs256-control", hs, Hs256, None);
        yield return Case("hs256-flipped-last-bit", Forge.WithSignature(hs, Flip(hsSig, 31, 0x01)), Hs256, BadSignature);
        yield return Case("hs256-flipped-first-bit", Forge.WithSignature(hs, Flip(hsSig, 0, 0x80)), Hs256, BadSignature);
        yield return Case("hs256-truncated-16", Forge.WithSignature(hs, hsSig[..16]), Hs256, BadSignature);
        yield return Case("hs256-truncated-31", Forge.WithSignature(hs, hsSig[..31]), Hs256, BadSignature);
        yield return Case("hs256-extended-33", Forge.WithSignature(hs, [.. hsSig, 0]), Hs256, BadSignature);
        yield return Case("hs256-empty-sig", Forge.WithSignature(hs, []), Hs256, BadSignature);
        yield return Case("hs256-zero-sig", Forge.WithSignature(hs, new byte[32]), Hs256, BadSignature);
        yield return Case("hs256-other-secret", Forge.HmacSha256Json(Forge.Header(Hs), Forge.Claims(), RandomNumberGenerator.GetBytes(32)), Hs256, BadSignature);
        yield return Case("hs256-signature-from-other-token", Forge.WithSignature(HsToken(Forge.Claims(("sub", "\"admin\""))), hsSig), Hs256, BadSignature);
        yield return Case("hs256-oversized-sig", Forge.WithSignature(hs, new byte[2048]), Hs256, Malformed);

        var es = RawToken.Valid(TestKeys.Es256);
        var esSig = Forge.SignatureOf(es);
        var (eh, ep, _) = Forge.Split(es);
        using var ecdsa = Forge.EcdsaOf(TestKeys.Es256);
        var der = ecdsa.SignData(Forge.Ascii(eh + "." + ep), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        yield return Case("es256-control", es, Es256, None);
        yield return Case("es256-der-signature", Forge.WithSignature(es, der), Es256, BadSignature);
        yield return Case("es256-65-octets-leading-zero", Forge.WithSignature(es, [0, .. esSig]), Es256, BadSignature);
        yield return Case("es256-63-octets", Forge.WithSignature(es, esSig[1..]), Es256, BadSignature);
        yield return Case("es256-empty-sig", Forge.WithSignature(es, []), Es256, BadSignature);
        yield return Case("es256-r-s-swapped", Forge.WithSignature(es, [.. esSig[32..], .. esSig[..32]]), Es256, BadSignature);
        yield return Case("es256-high-s-malleable", Forge.WithSignature(es, Forge.HighSTwin(esSig)), Es256, None, static r =>
        {
            r.TokenId.Should().Be("jti-1");
            r.SessionId.Should().Be("sid-1");
            r.Subject.Should().Be("user-1");
        });

        var rs = RawToken.Valid(TestKeys.Rs256);
        var rsSig = Forge.SignatureOf(rs);
        yield return Case("rs256-control", rs, Rs256, None);
        yield return Case("rs256-leading-zero-257-octets", Forge.WithSignature(rs, [0, .. rsSig]), Rs256, BadSignature);
        yield return Case("rs256-trailing-zero-257-octets", Forge.WithSignature(rs, [.. rsSig, 0]), Rs256, BadSignature);
        yield return Case("rs256-truncated", Forge.WithSignature(rs, rsSig[..^1]), Rs256, BadSignature);
        yield return Case("rs256-truncated-leading", Forge.WithSignature(rs, rsSig[1..]), Rs256, BadSignature);
        yield return Case("rs256-flipped-last-bit", Forge.WithSignature(rs, Flip(rsSig, rsSig.Length - 1, 1)), Rs256, BadSignature);
        yield return Case("rs256-empty-sig", Forge.WithSignature(rs, []), Rs256, BadSignature);

        var ed = RawToken.Valid(TestKeys.For(JwtAlgorithm.EdDSA));
        var edSig = Forge.SignatureOf(ed);
        yield return Case("eddsa-control", ed, EdDsa, None);
        yield return Case("eddsa-s-plus-l", Forge.WithSignature(ed, Forge.EdDsaSPlusL(edSig)), EdDsa, BadSignature);
        yield return Case("eddsa-flipped-last-bit", Forge.WithSignature(ed, Flip(edSig, 63, 0x01)), EdDsa, BadSignature);
        yield return Case("eddsa-truncated", Forge.WithSignature(ed, edSig[..63]), EdDsa, BadSignature);
        yield return Case("eddsa-empty-sig", Forge.WithSignature(ed, []), EdDsa, BadSignature);
    }

    private static List<(string Id, byte[] Material, SigningKey Key)> BuildConfusionMaterials()
    {
        var rsaKey = TestKeys.Rs256;
        var ecKey = TestKeys.Es256;
        using var rsa = Forge.RsaPublicOf(rsaKey);
        using var ec = Forge.EcdsaOf(ecKey.ToPublicKey());
        return
        [
            ("rsa-spki-pem", Forge.Utf8(rsa.ExportSubjectPublicKeyInfoPem()), rsaKey),
            ("rsa-spki-pem-newline", Forge.Utf8(rsa.ExportSubjectPublicKeyInfoPem() + "\n"), rsaKey),
            ("rsa-spki-pem-whitespace-prefixed", Forge.Utf8("  \n" + rsa.ExportSubjectPublicKeyInfoPem()), rsaKey),
            ("rsa-pkcs1-pem", Forge.Utf8(rsa.ExportRSAPublicKeyPem()), rsaKey),
            ("rsa-spki-der", rsa.ExportSubjectPublicKeyInfo(), rsaKey),
            ("rsa-jwk-json", Forge.Utf8(rsaKey.ToJwk()), rsaKey),
            ("rsa-modulus-bytes", rsa.ExportParameters(includePrivateParameters: false).Modulus!, rsaKey),
            ("ec-pem", Forge.Utf8(ec.ExportSubjectPublicKeyInfoPem()), ecKey),
            ("ec-spki-der", ec.ExportSubjectPublicKeyInfo(), ecKey),
            ("ec-jwk-json", Forge.Utf8(ecKey.ToJwk()), ecKey),
        ];
    }
}
