using System.Text;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// Property-style tests of docs/security.md, test bar 3, with a seeded <see cref="Random"/> (deterministic, test data only): any
/// single-character mutation, any inserted non-base64url character and any re-encoding of a segment is rejected, and the
/// signature is always checked before any claim. Re-signed mutations of the payload's JSON reach the claims readers, and
/// every overload (string, UTF-8, into a buffer) gives the same answer and the same claims.
/// </summary>
public sealed class TokenMutationPropertyTests
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private const string Specials = ".=+/ \t\n\r\0!~%\\\"{}\u00e9\u00A0\uFEFF\u200B";

    /// <summary>Errors a token with a broken signature may legitimately get: every check that runs before the claims.</summary>
    private static readonly TokenValidationError[] s_beforeClaims =
    [
        TokenValidationError.InvalidAuthorizationHeader, TokenValidationError.Malformed, TokenValidationError.UnsupportedAlgorithm,
        TokenValidationError.UnsupportedHeader, TokenValidationError.WrongType, TokenValidationError.UnknownKey,
        TokenValidationError.AlgorithmMismatch, TokenValidationError.BadSignature,
    ];

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.ES256)]
    public void Validate_EverySingleCharacterMutation_IsRejectedBeforeTheClaims(JwtAlgorithm algorithm)
    {
        var (token, validator) = ValidToken(algorithm);
        var random = new Random(7515 + (int)algorithm);
        var chars = token.ToCharArray();
        var buffer = new byte[validator.ClaimsBufferSize];
        var runs = 0;
        for (var position = 0; position < token.Length; position++)
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                var pool = attempt < 4 ? Alphabet : Specials;
                char replacement;
                do
                {
                    replacement = pool[random.Next(pool.Length)];
                }
                while (replacement == token[position]);

                chars[position] = replacement;
                var mutated = new string(chars);
                var result = validator.ValidateToken(mutated);
                AssertRejectedBeforeClaims(result, mutated);
                AssertRejectedBeforeClaims(validator.ValidateToken(Encoding.UTF8.GetBytes(mutated)), mutated);
                validator.TokenInto(mutated.AsSpan(), buffer, out _).Should().Be(result.Error, "the buffer overload on {0}", mutated);
                runs++;
            }

            chars[position] = token[position];
        }

        runs.Should().Be(5 * token.Length);
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.ES256)]
    public void Validate_EverySingleByteMutationOfUtf8_IsRejected(JwtAlgorithm algorithm)
    {
        var (token, validator) = ValidToken(algorithm);
        var random = new Random(3629 + (int)algorithm);
        var bytes = Encoding.ASCII.GetBytes(token);
        for (var position = 0; position < bytes.Length; position++)
        {
            var original = bytes[position];
            for (var attempt = 0; attempt < 3; attempt++)
            {
                byte replacement;
                do
                {
                    replacement = (byte)random.Next(256);
                }
                while (replacement == original);

                bytes[position] = replacement;
                AssertRejectedBeforeClaims(validator.ValidateToken(bytes), $"byte {position} = 0x{replacement:X2}");
            }

            bytes[position] = original;
        }
    }

    [Test]
    public void Validate_ResignedPayloadMutations_GiveTheSameAnswerThroughEveryOverload()
    {
        // The payload's JSON text is mutated and signed again, so every mutation gets past the signature to the claims
        // readers (the flat scan and the full reader behind it) and the checks after them.
        const string JsonAlphabet = "{}[]\":,\\ 0123456789-+.eEtrufalsnxué";
        var key = TestKeys.Hs256;
        var validator = AdversarialCorpus.Hs256;
        var buffer = new byte[validator.ClaimsBufferSize];
        var seed = RawToken.Payload(extra: "\"scope\":\"a b\",\"client_id\":\"web\",\"n\":[1,true,null,-2.5e3],\"o\":{\"p\":1}");
        var random = new Random(8725);
        int valid = 0, rejected = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var text = new StringBuilder(seed);
            for (var edits = random.Next(1, 3); edits > 0; edits--)
            {
                var at = random.Next(text.Length);
                var c = JsonAlphabet[random.Next(JsonAlphabet.Length)];
                switch (random.Next(3))
                {
                    case 0:
                        text.Remove(at, 1);
                        break;
                    case 1:
                        text.Insert(at, c);
                        break;
                    default:
                        text[at] = c;
                        break;
                }
            }

            var token = RawToken.Sign(RawToken.Header(key), text.ToString(), key);
            var result = validator.ValidateToken(token);
            validator.ValidateToken(Encoding.ASCII.GetBytes(token)).Error.Should().Be(result.Error, text.ToString());
            validator.TokenInto(token.AsSpan(), buffer, out var claims).Should().Be(result.Error, text.ToString());
            if (!result.IsValid)
            {
                claims.IsEmpty.Should().BeTrue();
                rejected++;
                continue;
            }

            Encoding.UTF8.GetString(claims.SubjectUtf8).Should().Be(result.Subject, text.ToString());
            Encoding.UTF8.GetString(claims.TokenIdUtf8).Should().Be(result.TokenId, text.ToString());
            Encoding.UTF8.GetString(claims.SessionIdUtf8).Should().Be(result.SessionId ?? string.Empty, text.ToString());
            Encoding.UTF8.GetString(claims.ScopeUtf8).Should().Be(result.Claims.Scope ?? string.Empty, text.ToString());
            claims.ExpiresAt.Should().Be(result.ExpiresAt!.Value, text.ToString());
            valid++;
        }

        valid.Should().BeGreaterThan(300, "enough mutations must survive to compare claims");
        rejected.Should().BeGreaterThan(1_000, "enough mutations must break the payload");
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.ES256)]
    public void Validate_NonBase64UrlCharacterInsertedAnywhere_IsMalformed(JwtAlgorithm algorithm)
    {
        // Every ASCII character outside [A-Za-z0-9_-] at every position, space and tab included: a bare token is never
        // read as a header, so whitespace is just another character that is not base64url.
        var (token, validator) = ValidToken(algorithm);
        var inserted = Enumerable.Range(0, 128).Select(static c => (char)c).Where(static c => !Alphabet.Contains(c, StringComparison.Ordinal)).ToArray();
        inserted.Should().HaveCount(128 - 64);
        for (var position = 0; position <= token.Length; position++)
        {
            foreach (var c in inserted)
            {
                var candidate = token.Insert(position, c.ToString());
                var expected = TokenValidationError.Malformed;
                validator.ValidateToken(candidate).Error.Should().Be(expected, "'{0}' (0x{1:X2}) inserted at {2}", c, (int)c, position);
                validator.ValidateToken(Encoding.ASCII.GetBytes(candidate)).Error.Should().Be(expected, "0x{0:X2} inserted at {1}", (int)c, position);
            }
        }
    }

    [TestCase(JwtAlgorithm.HS256)]
    [TestCase(JwtAlgorithm.ES256)]
    public void Validate_NonAsciiInsertedAnywhere_IsMalformed(JwtAlgorithm algorithm)
    {
        var (token, validator) = ValidToken(algorithm);
        var random = new Random(4648 + (int)algorithm);
        string[] texts = ["\u00e9", "\u00A0", "\uFEFF", "\u200B", "\uFF21", "\u0410", "\uD800", "\uD83D\uDE00"];
        for (var position = 0; position <= token.Length; position++)
        {
            var text = texts[random.Next(texts.Length)];
            var candidate = token.Insert(position, text);
            validator.ValidateToken(candidate).Error.Should().Be(TokenValidationError.Malformed);

            // Every byte 0x80-0xFF raw in the UTF-8 overload: invalid UTF-8 alone or not, never base64url.
            var bytes = Encoding.ASCII.GetBytes(token).ToList();
            bytes.Insert(position, (byte)random.Next(0x80, 0x100));
            validator.ValidateToken(bytes.ToArray()).Error.Should().Be(TokenValidationError.Malformed);
        }
    }

    [Test]
    public void Validate_ReencodedSegment_IsMalformedEvenWhenResigned()
    {
        // Padding, the standard alphabet, set trailing bits and MIME line breaks all decode leniently to the same bytes
        // (attacks 14 and 15). Header and payload re-encodings are re-signed over the new text, as a lenient verifier would check
        // them, so Malformed can only come from the strict base64url check.
        var random = new Random(7519);
        var transforms = new (string Name, Func<string, string> Apply)[]
        {
            ("padding", Forge.Pad),
            ("standard-alphabet", Forge.StandardAlphabet),
            ("trailing-bits", Forge.NonCanonicalTrailingBits),
            ("mime-line-break", static s => s.Length > 20 ? s[..20] + "\r\n" + s[20..] : s),
            ("whitespace-suffix", static s => s + "\n"),
        };
        var applied = transforms.ToDictionary(static t => t.Name, static _ => 0);
        for (var i = 0; i < 60; i++)
        {
            var algorithm = i % 2 == 0 ? JwtAlgorithm.HS256 : JwtAlgorithm.ES256;
            var key = TestKeys.For(algorithm);
            var validator = algorithm == JwtAlgorithm.HS256 ? AdversarialCorpus.Hs256 : AdversarialCorpus.Es256;
            var jti = new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0x21, 0x7F)).Where(static c => c is not ('"' or '\\')).ToArray());
            var token = RawToken.Sign(Forge.Header(key), Forge.Claims(("jti", $"\"{jti}\""), ("n", Forge.Number(random.NextInt64()))), key);
            validator.ValidateToken(token).Error.Should().Be(TokenValidationError.None, token);
            var (header, payload, signature) = Forge.Split(token);
            foreach (var (name, apply) in transforms)
            {
                foreach (var segment in new[] { 0, 1, 2 })
                {
                    string[] parts = [header, payload, signature];
                    var changed = apply(parts[segment]);
                    if (changed == parts[segment])
                    {
                        continue;
                    }

                    parts[segment] = changed;
                    var candidate = segment == 2 ? string.Join(".", parts) : Forge.SignSegments(parts[0], parts[1], key);
                    validator.ValidateToken(candidate).Error.Should().Be(TokenValidationError.Malformed, "{0} of segment {1}", name, segment + 1);
                    validator.ValidateToken(Encoding.ASCII.GetBytes(candidate)).Error.Should().Be(TokenValidationError.Malformed);
                    applied[name]++;
                }
            }
        }

        applied.Values.Should().OnlyContain(static n => n >= 30, "every re-encoding must actually have been exercised");
    }

    private static (string Token, TokenValidator Validator) ValidToken(JwtAlgorithm algorithm)
    {
        var key = TestKeys.For(algorithm);
        var validator = algorithm == JwtAlgorithm.HS256 ? AdversarialCorpus.Hs256 : AdversarialCorpus.Es256;
        var token = RawToken.Valid(key);
        validator.ValidateToken(token).Error.Should().Be(TokenValidationError.None);
        return (token, validator);
    }

    private static void AssertRejectedBeforeClaims(JwtValidationResult result, string because)
    {
        result.IsValid.Should().BeFalse(because);
        result.Error.Should().BeOneOf(s_beforeClaims, because);
    }
}
