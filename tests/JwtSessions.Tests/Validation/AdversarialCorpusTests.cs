using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Revocation;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>Runs every recipe of <see cref="AdversarialCorpus"/> and the checks that its forgeries are real.</summary>
public sealed class AdversarialCorpusTests
{
    /// <summary>Every case named in docs/security.md (the attack classes and the Authorization cases); the corpus must keep a case for each.</summary>
    private static readonly string[] s_requiredRecipes =
    [
        "alg-none-empty-sig", "alg-None-empty-sig", "alg-NONE-empty-sig", "alg-nOnE-empty-sig", "alg-none-with-sig",
        "alg-confusion-hs256-keyed-with-rsa-spki-pem", "alg-confusion-hs256-keyed-with-rsa-pkcs1-pem",
        "alg-confusion-hs256-keyed-with-rsa-spki-der", "alg-confusion-hs256-keyed-with-rsa-jwk-json",
        "alg-confusion-hs256-keyed-with-rsa-modulus-bytes", "alg-confusion-hs256-keyed-with-ec-pem", "alg-rs256-token-to-es256-key",
        "es256-psychic-r0-s0", "es256-psychic-r0-s1", "es256-psychic-r1-s0", "es256-psychic-rN-sN", "es256-psychic-rN-s1",
        "kid-path-traversal", "kid-sqli", "kid-nul", "kid-huge", "kid-non-string",
        "jwk-header-injection", "jku-loopback", "x5u-metadata",
        "crit-unknown", "crit-empty", "crit-registered-name", "crit-absent-name", "crit-not-array", "b64-false-crit",
        "auth-dots-dos", "auth-huge-segment", "json-deep-nesting",
        "struct-five-parts-jwe-shape", "zip-header", "jwe-pbes2-p2c-five-parts",
        "dup-alg-none-last", "dup-alg-hs-last", "dup-sub-claim", "dup-escaped-name",
        "exp-string", "exp-bool", "exp-1e309", "exp-2pow63", "exp-2pow64-plus", "exp-negative", "exp-missing", "exp-past",
        "exp-fraction", "nbf-future", "aud-array-nonstring", "aud-empty-array", "aud-wrong", "aud-array-ok", "iss-case",
        "b64-false-no-crit", "b64-padding-seg2", "b64-std-alphabet", "b64-std-alphabet-control", "ws-trailing-space",
        "ws-trailing-newline", "ws-inner-newline", "ws-space-before-sig", "b64-invalid-char-in-sig", "b64-backslash-in-sig",
        "b64-noncanonical-trailing-bits-seg2", "es256-der-signature", "es256-65-octets-leading-zero", "es256-63-octets",
        "rs256-leading-zero-257-octets", "rs256-truncated", "es256-high-s-malleable", "eddsa-s-plus-l",
        "hs256-flipped-last-bit", "hs256-truncated-16", "hs256-empty-sig", "es256-empty-sig", "typ-refresh-as-access",
        "json-utf16-header", "json-bom-header", "json-invalid-utf8-payload", "json-lone-surrogate-claim",
        "struct-two-parts", "struct-four-parts", "struct-empty", "struct-only-dots", "struct-header-not-object",
        "struct-payload-not-object", "struct-json-flattened", "json-trailing-garbage-header", "json-trailing-garbage-payload",
        "alg-missing", "alg-lowercase-hs256", "alg-not-string", "alg-hs512-not-allowed", "iss-wrong",
        "auth-missing-token", "auth-tab", "auth-two-spaces", "auth-trailing-space", "auth-multiple-credentials",
        "auth-other-scheme-basic", "auth-lowercase-bearer",
    ];

    private static readonly Dictionary<string, CorpusCase> s_byId = AdversarialCorpus.All.ToDictionary(static c => c.Id, StringComparer.Ordinal);

    public static IEnumerable<TestCaseData> Cases() => AdversarialCorpus.All.Select(static c => new TestCaseData(c.Id).SetName(c.Id));

    public static IEnumerable<TestCaseData> TokenCases()
        => AdversarialCorpus.All.Where(static c => !c.IsHeader).Select(static c => new TestCaseData(c.Id).SetName("bearer-" + c.Id));

    [TestCaseSource(nameof(Cases))]
    public void Validate_CorpusInput_ReturnsItsError(string id)
    {
        var corpusCase = s_byId[id];
        var validator = corpusCase.Validator;
        var utf8 = Encoding.UTF8.GetBytes(corpusCase.Input);
        var buffer = new byte[validator.ClaimsBufferSize];

        JwtValidationResult fromString, fromUtf8;
        TokenValidationError charsError, bytesError;
        if (corpusCase.IsHeader)
        {
            fromString = validator.ValidateAuthorizationHeader(corpusCase.Input);
            fromUtf8 = validator.ValidateAuthorizationHeader(utf8);
            charsError = validator.HeaderInto(corpusCase.Input.AsSpan(), buffer, out var fromChars);
            AssertSameClaims(fromChars, fromString);
            bytesError = validator.HeaderInto(utf8, buffer, out var fromBytes);
            AssertSameClaims(fromBytes, fromString);
        }
        else
        {
            fromString = validator.ValidateToken(corpusCase.Input);
            fromUtf8 = validator.ValidateToken(utf8);
            charsError = validator.TokenInto(corpusCase.Input.AsSpan(), buffer, out var fromChars);
            AssertSameClaims(fromChars, fromString);
            bytesError = validator.TokenInto(utf8, buffer, out var fromBytes);
            AssertSameClaims(fromBytes, fromString);
        }

        foreach (var result in new[] { fromString, fromUtf8 })
        {
            result.Error.Should().Be(corpusCase.Expected);
            result.IsValid.Should().Be(corpusCase.Expected == TokenValidationError.None);
            corpusCase.Verify?.Invoke(result);
        }

        // The allocation-free forms run the same checks and read the same claims.
        charsError.Should().Be(corpusCase.Expected);
        bytesError.Should().Be(corpusCase.Expected);
    }

    /// <summary>
    /// The header form adds the scheme and nothing else: a bare token behind <c>Bearer </c> gets the token's own verdict, unless
    /// it is empty or holds a space or tab (then it is no Bearer credential). The header's size cap leaves room for the scheme,
    /// so the two caps agree too.
    /// </summary>
    [TestCaseSource(nameof(TokenCases))]
    public void ValidateAuthorizationHeader_BearerAndCorpusToken_ReturnsTheTokensError(string id)
    {
        var corpusCase = s_byId[id];
        var expected = corpusCase.Input.Length == 0 || corpusCase.Input.AsSpan().IndexOfAny(' ', '\t') >= 0
            ? TokenValidationError.InvalidAuthorizationHeader
            : corpusCase.Expected;
        corpusCase.Validator.ValidateAuthorizationHeader("Bearer " + corpusCase.Input).Error.Should().Be(expected);
        corpusCase.Validator.ValidateAuthorizationHeader(Encoding.UTF8.GetBytes("Bearer " + corpusCase.Input)).Error.Should().Be(expected);
    }

    private static void AssertSameClaims(TokenClaimsView view, JwtValidationResult result)
    {
        view.IsEmpty.Should().Be(!result.IsValid);
        if (result.IsValid)
        {
            Encoding.UTF8.GetString(view.SubjectUtf8).Should().Be(result.Subject);
            Encoding.UTF8.GetString(view.SessionIdUtf8).Should().Be(result.SessionId ?? string.Empty);
            Encoding.UTF8.GetString(view.TokenIdUtf8).Should().Be(result.TokenId);
            view.ExpiresAt.Should().Be(result.ExpiresAt);
            view.IssuedAt.Should().Be(result.IssuedAt);
            view.PayloadUtf8.ToArray().Should().Equal(result.Claims.Payload.ToArray());
        }
    }

    [Test]
    public void Corpus_HasACaseForEveryNamedRecipe()
    {
        s_requiredRecipes.Where(id => !s_byId.ContainsKey(id)).Should().BeEmpty();
        AdversarialCorpus.All.Should().HaveCountGreaterThan(300);
    }

    [Test]
    public void Validate_AnyCorpusInputOnAnyValidator_NeverThrows()
    {
        var runs = 0;
        foreach (var corpusCase in AdversarialCorpus.All)
        {
            var utf8 = Encoding.UTF8.GetBytes(corpusCase.Input);
            foreach (var validator in AdversarialCorpus.AllValidators)
            {
                FluentActions.Invoking(() => validator.ValidateToken(corpusCase.Input)).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.ValidateToken(corpusCase.Input.AsSpan())).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.ValidateToken(utf8)).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.ValidateToken(Encoding.Latin1.GetBytes(corpusCase.Input))).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.TokenInto(corpusCase.Input.AsSpan(), new byte[validator.ClaimsBufferSize], out _)).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.TokenInto(utf8, new byte[16], out _)).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.ValidateAuthorizationHeader(corpusCase.Input)).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.ValidateAuthorizationHeader(utf8)).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.HeaderInto(corpusCase.Input.AsSpan(), new byte[validator.ClaimsBufferSize], out _)).Should().NotThrow(corpusCase.Id);
                FluentActions.Invoking(() => validator.HeaderInto(utf8, new byte[16], out _)).Should().NotThrow(corpusCase.Id);
                runs += 10;
            }
        }

        runs.Should().BeGreaterThan(5000);
    }

    [Test]
    public void ConfusionTokens_VerifyUnderNaiveHmacWithThePublicKeyBytes()
    {
        // Proves the attack 2 forgeries are real: a verifier that turns the public key's bytes into an HMAC secret accepts
        // them, so only the typed keys and their algorithm binding make the corpus cases fail.
        foreach (var (id, material, key) in AdversarialCorpus.ConfusionMaterials)
        {
            Forge.NaiveHmacVerifies(AdversarialCorpus.ConfusionToken(material, key), material).Should().BeTrue(id);
            Forge.NaiveHmacVerifies(AdversarialCorpus.ConfusionToken(material, key, withKid: false), material).Should().BeTrue(id);
        }
    }

    [Test]
    public void EcdsaReencodings_AreValidSignaturesForThePlatform()
    {
        using var ecdsa = Forge.EcdsaOf(TestKeys.Es256);
        var input = SigningInput(s_byId["es256-der-signature"].Input);

        ecdsa.VerifyData(input, Forge.SignatureOf(s_byId["es256-der-signature"].Input), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            .Should().BeTrue("the DER form is the same signature in the encoding RFC 7518 §3.4 forbids");
        var twin = s_byId["es256-high-s-malleable"].Input;
        ecdsa.VerifyData(SigningInput(twin), Forge.SignatureOf(twin), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            .Should().BeTrue("(r, n - s) is a valid ECDSA signature of the same message");
        Forge.SignatureOf(twin).Should().NotEqual(Forge.SignatureOf(s_byId["es256-control"].Input));
    }

    [TestCase("b64-noncanonical-trailing-bits-seg1", 0)]
    [TestCase("b64-noncanonical-trailing-bits-seg2", 1)]
    [TestCase("b64-noncanonical-trailing-bits-seg3", 2)]
    [TestCase("b64-padding-seg2", 1)]
    [TestCase("b64-std-alphabet", 1)]
    public void LenientDecoding_OfReencodedSegment_YieldsTheOriginalBytes(string id, int segment)
    {
        // The re-encodings are only dangerous because lenient decoders map them to the original bytes (attack 15).
        var original = s_byId["b64-std-alphabet-control"].Input.Split('.')[segment];
        var reencoded = s_byId[id].Input.Split('.')[segment];

        reencoded.Should().NotBe(original);
        Convert.FromBase64String(Forge.Pad(Forge.StandardAlphabet(reencoded))).Should().Equal(Forge.Unb64(original));
    }

    [Test]
    public void HighSTwin_OfRevokedSession_IsRevokedToo()
    {
        // Attack 16: revocation is keyed on the session id from the claims, never on the token's bytes.
        var revocations = new RevocationList(TestClock.Create());
        revocations.Add("sid-1", TestClock.Start.AddHours(1));
        var validator = Validators.For(TestKeys.Es256.ToPublicKey(), configure: o => o.Revocations = revocations);

        validator.ValidateToken(s_byId["es256-control"].Input).Error.Should().Be(TokenValidationError.Revoked);
        validator.ValidateToken(s_byId["es256-high-s-malleable"].Input).Error.Should().Be(TokenValidationError.Revoked);
    }

    [TestCase("jwe-pbes2-p2c-five-parts")]
    [TestCase("pbes2-p2c-three-parts")]
    [TestCase("auth-dots-dos")]
    [TestCase("auth-dots-dos-bare")]
    [TestCase("auth-huge-segment")]
    [TestCase("auth-dots-within-cap")]
    [TestCase("json-deep-nesting-header")]
    public void Validate_DenialOfServiceInput_IsRejectedWithConstantAllocation(string id)
    {
        // Time is proven in RejectBenchmarks, never in a test. What a test can pin deterministically is that the work does
        // not grow with the input: a megabyte of dots or a huge segment is rejected with a small constant allocation at most
        // (zero for the size and structure checks; one parser exception for the deeply nested header).
        var corpusCase = s_byId[id];
        var utf8 = Encoding.UTF8.GetBytes(corpusCase.Input);
        for (var i = 0; i < 10; i++)
        {
            corpusCase.Validator.ValidateToken(corpusCase.Input);
            corpusCase.Validator.ValidateToken(utf8);
        }

        const int Iterations = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var errors = 0;
        for (var i = 0; i < Iterations; i++)
        {
            errors += corpusCase.Validator.ValidateToken(corpusCase.Input).Error == corpusCase.Expected ? 0 : 1;
            errors += corpusCase.Validator.ValidateToken(utf8).Error == corpusCase.Expected ? 0 : 1;
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / (2 * Iterations);
        errors.Should().Be(0);
        perCall.Should().BeLessThan(4096, "docs/security.md, attack 8: rejection cost must not grow with the input");
    }

    [Test]
    public void Validate_KeyUrlHeaders_NeverFetch()
    {
        // Attack 6 and RFC 8725bis §3.10: jku/x5u point at a loopback listener; validation must not connect to it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/jwks.json";
        var attacker = SigningKey.Generate(JwtAlgorithm.ES256, "attacker");
        string[] tokens =
        [
            RawToken.Sign(Forge.Header(TestKeys.Hs256, $"\"jku\":\"{url}\""), Forge.Claims(), TestKeys.Hs256),
            RawToken.Sign(Forge.Header(TestKeys.Hs256, $"\"x5u\":\"{url}\""), Forge.Claims(), TestKeys.Hs256),
            RawToken.Sign(Forge.Header("ES256", "attacker", extra: $"\"jku\":\"{url}\""), Forge.Claims(), attacker),
            RawToken.Sign(Forge.Header("ES256", null, extra: $"\"x5u\":\"{url}\""), Forge.Claims(), attacker),
        ];

        foreach (var token in tokens)
        {
            foreach (var validator in AdversarialCorpus.AllValidators)
            {
                // The header walk flags jku and x5u before alg is judged (docs/validation.md, steps 10 and 11).
                validator.ValidateToken(token).Error.Should().Be(TokenValidationError.UnsupportedHeader);
            }
        }

        Thread.Sleep(100);
        listener.Pending().Should().BeFalse("validation must do no network I/O");
    }

    [Test]
    public void FromJwk_P256PointWithOneBitOfYFlipped_Throws()
    {
        // Attack 4 (invalid curve), JWS form: a verification key whose point is off P-256 is refused at import
        // (RFC 8725 §3.4, NIST SP 800-56A 5.6.2.3.4); the unmodified point is the control.
        var jwk = TestKeys.Es256.ToJsonWebKey();
        var y = Forge.Unb64(jwk.Y);
        string Json(string yText) => $$"""{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"k","x":"{{jwk.X}}","y":"{{yText}}"}""";

        SigningKey.FromJwk(Json(jwk.Y)).Algorithm.Should().Be(JwtAlgorithm.ES256);
        y[^1] ^= 1;
        FluentActions.Invoking(() => SigningKey.FromJwk(Json(Forge.B64(y)))).Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.HS256, 16)]
    [TestCase(JwtAlgorithm.HS256, 31)]
    [TestCase(JwtAlgorithm.HS256, 0)]
    [TestCase(JwtAlgorithm.HS384, 47)]
    [TestCase(JwtAlgorithm.HS512, 63)]
    public void CreateHmac_SecretShorterThanHash_Throws(JwtAlgorithm algorithm, int length)
    {
        // config-hs256-key-16-bytes (attack 18): a weak key is refused when configured, not only when a token arrives.
        FluentActions.Invoking(() => SigningKey.CreateHmac(new byte[length], algorithm, "k"))
            .Should().Throw<InvalidSigningKeyException>();
        FluentActions.Invoking(() => SigningKey.FromJwk($$"""{"kty":"oct","alg":"{{algorithm.GetName()}}","kid":"k","k":"{{Forge.B64(new byte[length])}}"}"""))
            .Should().Throw<InvalidSigningKeyException>();
    }

    [TestCase(JwtAlgorithm.HS256, 32)]
    [TestCase(JwtAlgorithm.HS384, 48)]
    [TestCase(JwtAlgorithm.HS512, 64)]
    public void CreateHmac_SecretAsLongAsHash_Succeeds(JwtAlgorithm algorithm, int length)
        => SigningKey.CreateHmac(RandomNumberGenerator.GetBytes(length), algorithm, "k").Algorithm.Should().Be(algorithm);

    private static byte[] SigningInput(string token) => Forge.Ascii(token[..token.LastIndexOf('.')]);
}
