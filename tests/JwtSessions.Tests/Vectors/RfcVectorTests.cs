using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;
using Microsoft.Extensions.Time.Testing;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// The RFC examples of <c>tests/vectors/rfc</c>: RFC 7515 A.1–A.5, RFC 7520 §4.1–4.4, RFC 8037 A.4 and RFC 7797 §4.
/// Sign-and-compare where the algorithm is deterministic (HMAC, RSA PKCS#1 v1.5, Ed25519), verify-only otherwise. They are JWS
/// examples, so they pass the JWS layer; the full validator is run on them too, with a clock fixed before their 2011 expiry,
/// to pin which JWT rule each one fails.
/// </summary>
public sealed class RfcVectorTests
{
    private const string JsonFile = "rfc/rfc-vectors.json";
    private const string MarkdownFile = "rfc/rfc-vectors.md";

    // 2011-03-22T18:00:00Z, before the RFC 7515 payloads' "exp":1300819380 (18:43:00Z).
    private static readonly DateTimeOffset s_beforeExpiry = new(2011, 3, 22, 18, 0, 0, TimeSpan.Zero);

    public static IEnumerable<TestCaseData> Verify() => Cases("Verifies");

    public static IEnumerable<TestCaseData> SignAndCompare() => Cases("SignsIdentically", static v => v.Deterministic);

    public static IEnumerable<TestCaseData> SignAndVerify() => Cases("SignsVerifiably", static v => !v.Deterministic);

    public static IEnumerable<TestCaseData> Validator() => Cases("ViaValidator");

    [TestCaseSource(nameof(Verify))]
    public void JwsLayer_RfcExample_VerifiesWithExactHeaderAndPayload(RfcVector vector)
    {
        VectorFiles.EnsurePresent();
        var token = Encoding.ASCII.GetBytes(vector.Token);

        JwsVerifier.Verify(token, Ring(vector), out var payload).Should().Be(TokenValidationError.None);

        Base64Url.DecodeFromUtf8(token[payload]).Should().Equal(Encoding.UTF8.GetBytes(vector.Payload));
        Base64Url.DecodeFromChars(vector.Token.Split('.')[0]).Should().Equal(Encoding.UTF8.GetBytes(vector.Header));
    }

    [TestCaseSource(nameof(SignAndCompare))]
    public void Sign_DeterministicRfcExample_ReproducesTheSignature(RfcVector vector)
    {
        VectorFiles.EnsurePresent();
        var key = PrivateKey(vector);
        var dot = vector.Token.LastIndexOf('.');

        Base64Url.EncodeToString(Sign(key, vector.Token[..dot])).Should().Be(vector.Token[(dot + 1)..]);
    }

    [TestCaseSource(nameof(SignAndVerify))]
    public void Sign_RandomizedRfcExample_VerifiesWithThePublicKey(RfcVector vector)
    {
        VectorFiles.EnsurePresent();
        var key = PrivateKey(vector);
        var signingInput = vector.Token[..vector.Token.LastIndexOf('.')];
        var token = signingInput + "." + Base64Url.EncodeToString(Sign(key, signingInput));

        token.Should().NotBe(vector.Token, "ECDSA and PSS signatures are randomized");
        JwsVerifier.Verify(Encoding.ASCII.GetBytes(token), Ring(vector), out _).Should().Be(TokenValidationError.None);
    }

    [TestCaseSource(nameof(Validator))]
    public void Validator_RfcExample_FailsTheFirstJwtRuleItBreaks(RfcVector vector)
    {
        VectorFiles.EnsurePresent();
        var result = Validators.For(Ring(vector), new FakeTimeProvider(s_beforeExpiry), static o =>
        {
            o.Issuer = "joe";
            o.AcceptedTypes.Add("JWT");
        }).ValidateToken(vector.Token);

        // Only A.1 has a typ; it passes header and signature and stops at the claims: no aud, sub, jti or iat.
        result.Error.Should().Be(vector.Header.Contains("\"typ\"", StringComparison.Ordinal)
            ? TokenValidationError.MissingClaim
            : TokenValidationError.WrongType);
    }

    [Test]
    public void ThumbprintKeyId_Rfc8037Key_MatchesRfc8037A3()
    {
        VectorFiles.EnsurePresent();
        var vector = Vectors().Single(static v => v.Thumbprint is not null);

        PrivateKey(vector).KeyId.Should().Be(vector.Thumbprint);
        PrivateKey(vector).ToPublicKey().KeyId.Should().Be(vector.Thumbprint);
    }

    [Test]
    public void JwsLayer_Rfc7515A5Unsecured_IsRejectedWithEveryKey()
    {
        VectorFiles.EnsurePresent();
        var token = MarkdownBlocks("## RFC7515-A.5").Single();
        HeaderOf(token).Should().Be("""{"alg":"none"}""");

        foreach (var vector in Vectors())
        {
            JwsVerifier.Verify(Encoding.ASCII.GetBytes(token), Ring(vector), out _)
                .Should().Be(TokenValidationError.UnsupportedAlgorithm, vector.Id);
            Validators.For(Ring(vector), new FakeTimeProvider(s_beforeExpiry), static o => o.AcceptedTypes.Add("JWT"))
                .ValidateToken(token).Error.Should().Be(TokenValidationError.UnsupportedAlgorithm, vector.Id);
        }
    }

    [Test]
    public void JwsLayer_Rfc7797Section41_VerifiesAndSignsIdentically()
    {
        VectorFiles.EnsurePresent();
        var token = Rfc7797Blocks()[0];
        HeaderOf(token).Should().Be("""{"alg":"HS256"}""");
        var a1 = Vectors().Single(static v => v.Id == "RFC7515-A.1-HS256");
        var bytes = Encoding.ASCII.GetBytes(token);

        JwsVerifier.Verify(bytes, Ring(a1), out var payload).Should().Be(TokenValidationError.None);
        Base64Url.DecodeFromUtf8(bytes[payload]).Should().Equal("$.02"u8.ToArray());
        Base64Url.EncodeToString(Sign(PrivateKey(a1), token[..token.LastIndexOf('.')])).Should().Be(token[(token.LastIndexOf('.') + 1)..]);

        // Not a JWT: no typ, and the payload is not a JSON object.
        Validators.For(Ring(a1), new FakeTimeProvider(s_beforeExpiry)).ValidateToken(token).Error.Should().Be(TokenValidationError.WrongType);
    }

    [Test]
    public void JwsLayer_Rfc7797Section42UnencodedDetached_IsRejectedAsUnsupportedHeader()
    {
        VectorFiles.EnsurePresent();
        var token = Rfc7797Blocks()[1];
        HeaderOf(token).Should().Be("""{"alg":"HS256","b64":false,"crit":["b64"]}""");
        var a1 = Vectors().Single(static v => v.Id == "RFC7515-A.1-HS256");

        // Control: the MAC is genuine, over ASCII(header) '.' "$.02" (RFC 7797 §3), so the rejection is the b64/crit header.
        var header = token[..token.IndexOf('.', StringComparison.Ordinal)];
        PrivateKey(a1).VerifySignature(Encoding.ASCII.GetBytes(header + ".$.02"), Base64Url.DecodeFromChars(token.AsSpan(token.LastIndexOf('.') + 1)))
            .Should().BeTrue();

        JwsVerifier.Verify(Encoding.ASCII.GetBytes(token), Ring(a1), out _).Should().Be(TokenValidationError.UnsupportedHeader);

        // The full validator refuses the detached form earlier: an empty payload segment is never a JWT.
        Validators.For(Ring(a1), new FakeTimeProvider(s_beforeExpiry)).ValidateToken(token).Error.Should().Be(TokenValidationError.Malformed);
    }

    private static IEnumerable<TestCaseData> Cases(string suffix, Func<RfcVector, bool>? where = null)
        => VectorFiles.Cases($"Rfc_{suffix}", () => Vectors()
            .Where(v => where is null || where(v))
            .Select(v => new TestCaseData(v).SetName($"Rfc_{Wycheproof.Identifier(v.Id)}_{suffix}")));

    private static IEnumerable<RfcVector> Vectors()
        => VectorFiles.LoadJson(JsonFile).AsArray().Select(static e => new RfcVector(e!.AsObject()));

    /// <summary>The key bound to the token's algorithm (RFC keys mostly carry no <c>alg</c>), with its private members.</summary>
    private static SigningKey PrivateKey(RfcVector vector)
    {
        JwtAlgorithms.TryParse(vector.Algorithm, out var algorithm).Should().BeTrue();
        return SigningKey.FromJwk(vector.Jwk, algorithm);
    }

    /// <summary>A verification ring: the public half of an asymmetric key, the secret of an HMAC key.</summary>
    private static KeyRing Ring(RfcVector vector)
    {
        var key = PrivateKey(vector);
        return KeyRing.ForVerification(key.KeyType == SigningKeyType.Symmetric ? key : key.ToPublicKey());
    }

    private static byte[] Sign(SigningKey key, string signingInput)
    {
        var signature = new byte[1024];
        return signature[..key.Sign(Encoding.ASCII.GetBytes(signingInput), signature)];
    }

    private static string HeaderOf(string token)
        => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))));

    private static List<string> Rfc7797Blocks()
    {
        var blocks = MarkdownBlocks("## RFC 7797");
        blocks.Should().HaveCount(2, "rfc-vectors.md gives the §4.1 and §4.2 tokens");
        return blocks;
    }

    /// <summary>
    /// The fenced code blocks of the section of <c>rfc-vectors.md</c> whose heading starts with <paramref name="heading"/>: the
    /// A.5 and RFC 7797 tokens are only given there, not in the JSON.
    /// </summary>
    private static List<string> MarkdownBlocks(string heading)
    {
        var blocks = new List<string>();
        var inSection = false;
        StringBuilder? block = null;
        foreach (var line in VectorFiles.LoadText(MarkdownFile).Split('\n').Select(static l => l.TrimEnd('\r')))
        {
            if (block is null && line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.StartsWith(heading, StringComparison.Ordinal);
            }
            else if (inSection && line.StartsWith("```", StringComparison.Ordinal))
            {
                if (block is null)
                {
                    block = new StringBuilder();
                }
                else
                {
                    blocks.Add(block.ToString().Trim());
                    block = null;
                }
            }
            else
            {
                block?.Append(line);
            }
        }

        blocks.Should().NotBeEmpty($"rfc-vectors.md has a section '{heading}' with a token");
        return blocks;
    }
}
