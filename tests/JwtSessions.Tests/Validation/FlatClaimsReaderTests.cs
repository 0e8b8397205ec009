using System.Buffers.Text;
using System.Text;
using System.Text.Unicode;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// The flat payload reader is a fast path of the full JSON reader and must never disagree with it: whenever it accepts a
/// payload, the full reader accepts it too and finds every claim at the same place with the same value. It may decline
/// anything; then the full reader decides. Checked on hand-picked edge cases, on every payload of the adversarial corpus, and on
/// thousands of seeded mutations of realistic payloads.
/// </summary>
public sealed class FlatClaimsReaderTests
{
    private static readonly byte[] s_issuer = Encoding.UTF8.GetBytes(RawToken.Issuer);
    private static readonly byte[][] s_audiences = [Encoding.UTF8.GetBytes(RawToken.Audience), "api://other"u8.ToArray()];

    private static readonly string[] s_seeds =
    [
        RawToken.Payload(),
        RawToken.Payload(extra: "\"scope\":\"orders:read orders:write\",\"client_id\":\"web\",\"nbf\":1700000000,\"gen\":7"),
        RawToken.Payload(extra: "\"roles\":[\"admin\",\"ops\"],\"n\":-12.5e+3,\"ok\":true,\"no\":false,\"x\":null,\"mixed\":[1,\"a\",true,null]"),
        RawToken.Payload().Replace("\"aud\":\"" + RawToken.Audience + "\"", "\"aud\":[\"x\",\"" + RawToken.Audience + "\"]", StringComparison.Ordinal),
        """{ "iss" : "https://issuer.example" , "sub":"u", "aud" : [ ] , "exp" : 0 , "iat":1, "jti":"j" }""",
        """{"exp":253402300799,"iat":0,"gen":123456789012345678,"empty":"","e":[],"z":0,"f":0.5,"g":1E-2}""",
        IssuerLayout,
        IssuerLayout[..^1] + ""","roles":["a","b"],"n":1}""",
    ];

    // Exactly as TokenIssuer lays a payload out, every optional member present: the issuer-layout lane reads it.
    private const string IssuerLayout = """{"iss":"https://issuer.test","sub":"user-1","aud":"api://test","exp":1700000600,"iat":1700000000,"nbf":1700000000,"jti":"pV-eQm8FGGRYEKTLObmdYA","sid":"s-4c49","gen":3,"scope":"orders:read orders:write","client_id":"web"}""";

    [TestCase("""{}""", true)]
    [TestCase("""{"exp":123}""", true)]
    [TestCase("""{"a":-1.5e+3,"b":0,"c":-0,"d":1E9}""", true)]
    [TestCase("""{ "a" : [ "x" , 2 , true ] }""", true)]
    [TestCase("""{"aud":[]}""", true)]
    [TestCase("""{"exp":1.5}""", false)]
    [TestCase("""{"exp":1e3}""", false)]
    [TestCase("""{"exp":-1}""", false)]
    [TestCase("""{"exp":253402300800}""", false)]
    [TestCase("""{"exp":"1"}""", false)]
    [TestCase("""{"exp":0123}""", false)]
    [TestCase("""{"gen":1234567890123456789}""", false)]
    [TestCase("""{"exp":123456789012345678901234567890}""", false)]
    [TestCase("""{"sub":1}""", false)]
    [TestCase("""{"aud":["a",1]}""", false)]
    [TestCase("""{"aud":[["a"]]}""", false)]
    [TestCase("""{"a":01}""", false)]
    [TestCase("""{"a":1.}""", false)]
    [TestCase("""{"a":.5}""", false)]
    [TestCase("""{"a":1e}""", false)]
    [TestCase("""{"a":-}""", false)]
    [TestCase("""{"a":+1}""", false)]
    [TestCase("""{"a":tru}""", false)]
    [TestCase("""{"a":truex}""", false)]
    [TestCase("""{"a":1,}""", false)]
    [TestCase("""{,"a":1}""", false)]
    [TestCase("""{"a":1 "b":2}""", false)]
    [TestCase("""{"a"1}""", false)]
    [TestCase("""{"a":}""", false)]
    [TestCase("""{"a":[1,]}""", false)]
    [TestCase("""{"a":[1 2]}""", false)]
    [TestCase("""{"a":[1,[2]]}""", false)]
    [TestCase("""{"a":{"b":1}}""", false)]
    [TestCase("""{"a":"\u0041"}""", false)]
    [TestCase("""{"s\u0075b":"x"}""", false)]
    [TestCase("""{"a":1,"a":2}""", false)]
    [TestCase("""{"sub":"x","sub":"y"}""", false)]
    [TestCase("""{"ab":1,"ba":2,"ab":3}""", false)]
    [TestCase(""" {"a":1}""", false)]
    [TestCase("""{"a":1} """, false)]
    [TestCase("""{"a":1}}""", false)]
    [TestCase("""{"a":"}""", false)]
    [TestCase("{\"a\":\n1}", false)]
    [TestCase("{\"a\":\"x\ty\"}", false)]
    [TestCase("""{"a":1}{"b":2}""", false)]
    [TestCase("""[1]""", false)]
    [TestCase("""{""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j"}""", true)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":["x","api://test"],"exp":1,"iat":0,"nbf":0,"jti":"j","n":2}""", true)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","sid":"s","gen":1}""", true)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","client_id":"c"}""", true)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u", "aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j"}""", true)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp": 1,"iat":0,"nbf":0,"jti":"j"}""", true)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","exp":1,"aud":"api://test","iat":0,"jti":"j"}""", true)]
    [TestCase("""{"iss":"https://other.example","sub":"u","aud":"api://other","exp":1,"iat":0,"nbf":0,"jti":"j"}""", true)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","sub":"v"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","client_id":"c","exp":2}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","sid":"s","sid":"t"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1.5,"iat":0,"nbf":0,"jti":"j"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":1,"aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","gen":-1}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","gen":01}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j",}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j""}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j"1}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":{"a":1},"exp":1,"iat":0,"nbf":0,"jti":"j"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","gen":1,"gen":2}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","scope":"a","scope":"b"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","client_id":"c","client_id":"d"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","sid":"s","gen":1,"scope":"a","client_id":"c","sid":"t"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","client_id":"c","aud":"x"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","client_id":"c","iss":"x"}""", false)]
    [TestCase("""{"iss":"https://issuer.test","sub":"u","aud":"api://test","exp":1,"iat":0,"nbf":0,"jti":"j","client_id":"c","nbf":1}""", false)]
    [TestCase("""{"iss":"https://issuer.test"}""", true)]
    [TestCase("""{"iss":"https://issuer.test","iss":"https://issuer.test"}""", false)]
    [TestCase("""{"iss":1}""", false)]
    public void TryScanFlatClaims_EdgeCase_AcceptsOnlyThePlainSubsetAndAgreesWithTheFullReader(string json, bool accepted)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);

        JwtSessions.Internal.FlatPayloadScanner.TryScan(utf8, s_issuer, s_audiences, out _).Should().Be(accepted);
        AssertAgrees(utf8);
    }

    [Test]
    public void TryScanFlatClaims_RealisticPayloads_AreAcceptedWithTheFullReadersSlots()
    {
        foreach (var seed in s_seeds)
        {
            var utf8 = Encoding.UTF8.GetBytes(seed);
            JwtSessions.Internal.FlatPayloadScanner.TryScan(utf8, s_issuer, s_audiences, out _).Should().BeTrue(seed);
            AssertAgrees(utf8).Should().BeTrue(seed);
        }
    }

    [Test]
    public void ScanIssuerLayout_EveryPayloadShapeTheIssuerWrites_IsReadToTheEndInOneStraightPass()
    {
        // Every combination of the optional members and one or two audiences: if TokenIssuer ever changes its order or
        // spelling, this fails, and the validator's lane must follow (it would still be correct, only slower).
        var shapes = 0;
        foreach (var audiences in new[] { new[] { RawToken.Audience }, [RawToken.Audience, "api://other"] })
        {
            for (var optional = 0; optional < 16; optional++)
            {
                var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Hs256), TimeProvider = TestClock.Create() };
                foreach (var audience in audiences)
                {
                    options.Audiences.Add(audience);
                }

                var sessionId = (optional & 4) != 0 ? "s-1" : null;
                long? generation = (optional & 8) != 0 ? 12 : null;
                var token = new TokenIssuer(options).Mint(
                    "user-1", sessionId, TimeSpan.FromMinutes(5), notAfter: null, generation, (optional & 2) != 0 ? "orders:read" : null, (optional & 1) != 0 ? "web" : null).Token;
                var json = Forge.Unb64(Forge.Split(token).Payload);

                JwtSessions.Internal.FlatPayloadScanner.ScanIssuerLayout(json, s_issuer, s_audiences).Should().Be(json.Length - 1, Encoding.UTF8.GetString(json));
                AssertAgrees(json).Should().BeTrue();
                shapes++;
            }
        }

        shapes.Should().Be(32);
    }

    [Test]
    public void TryScanFlatClaims_MoreThanItsMemberBound_Declines()
    {
        var many = "{" + string.Join(',', Enumerable.Range(0, 40).Select(static i => $"\"c{i}\":{i}")) + "}";
        var utf8 = Encoding.UTF8.GetBytes(many);

        JwtSessions.Internal.FlatPayloadScanner.TryScan(utf8, s_issuer, s_audiences, out _).Should().BeFalse();
        ClaimsReader.Read(utf8, new byte[2 * utf8.Length], s_issuer, s_audiences, out _).Should().Be(TokenValidationError.None);
    }

    [Test]
    public void TryScanFlatClaims_LargerThanItsBitmap_DeclinesAndTheFullReaderReadsIt()
    {
        var large = Encoding.UTF8.GetBytes(RawToken.Payload(extra: $"\"pad\":\"{new string('a', 4096)}\""));

        JwtSessions.Internal.FlatPayloadScanner.TryScan(large, s_issuer, s_audiences, out _).Should().BeFalse();
        ClaimsReader.Read(large, new byte[2 * large.Length], s_issuer, s_audiences, out _).Should().Be(TokenValidationError.None);
    }

    [Test]
    public void TryScanFlatClaims_AtItsBitmapBound_AcceptsAndOneByteMoreDeclines()
    {
        var overhead = RawToken.Payload(extra: "\"pad\":\"\"").Length;
        var largest = Encoding.UTF8.GetBytes(RawToken.Payload(extra: $"\"pad\":\"{new string('a', 4096 - overhead)}\""));
        var tooLarge = Encoding.UTF8.GetBytes(RawToken.Payload(extra: $"\"pad\":\"{new string('a', 4097 - overhead)}\""));
        largest.Should().HaveCount(4096);
        tooLarge.Should().HaveCount(4097);

        AssertAgrees(largest).Should().BeTrue();
        JwtSessions.Internal.FlatPayloadScanner.TryScan(tooLarge, s_issuer, s_audiences, out _).Should().BeFalse();
    }

    [Test]
    public void TryScanFlatClaims_EveryLengthAcrossItsBlocks_FindsEveryStringEnd()
    {
        // The quote bitmap is built 64 bytes at a time and the last partial block is read overlapping the one before: every
        // payload length from 10 to 400 bytes moves each quote across those boundaries once.
        for (var pad = 0; pad <= 390; pad++)
        {
            var json = Encoding.UTF8.GetBytes($"{{\"p\":\"{new string('a', pad)}\",\"sub\":\"x\",\"exp\":1}}");
            AssertAgrees(json).Should().BeTrue("a plain payload of {0} bytes is in the subset", json.Length);
        }
    }

    [Test]
    public void TryScanFlatClaims_BackslashOrControlCharacterAtAnyPosition_Declines()
    {
        var seed = Encoding.UTF8.GetBytes(RawToken.Payload(extra: "\"note\":\"" + new string('n', 150) + "\""));
        JwtSessions.Internal.FlatPayloadScanner.TryScan(seed, s_issuer, s_audiences, out _).Should().BeTrue();
        for (var at = 1; at < seed.Length - 1; at++)
        {
            foreach (var bad in new byte[] { (byte)'\\', 0x00, 0x09, 0x0A, 0x1F })
            {
                var json = (byte[])seed.Clone();
                json[at] = bad;
                JwtSessions.Internal.FlatPayloadScanner.TryScan(json, s_issuer, s_audiences, out _).Should().BeFalse("byte 0x{0:X2} at {1} of {2}", bad, at, json.Length);
            }
        }
    }

    [TestCase(new byte[] { 0xC3, 0x28 }, TestName = "Invalid continuation")]
    [TestCase(new byte[] { 0xC0, 0xAF }, TestName = "Overlong encoding")]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, TestName = "Encoded surrogate")]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, TestName = "Above U+10FFFF")]
    [TestCase(new byte[] { 0xE2, 0x82 }, TestName = "Truncated sequence")]
    [TestCase(new byte[] { 0xFF }, TestName = "Never a UTF-8 byte")]
    public void TryScanFlatClaims_InvalidUtf8InAString_DeclinesAndTheValidatorRejectsAsMalformed(byte[] invalid)
    {
        var prefix = Encoding.UTF8.GetBytes(RawToken.Payload(extra: "\"note\":\"ok"));
        byte[] json = [.. prefix.AsSpan(0, prefix.Length - 2), .. invalid, .. "\"}"u8];

        JwtSessions.Internal.FlatPayloadScanner.TryScan(json, s_issuer, s_audiences, out _).Should().BeFalse();
        var key = TestKeys.Hs256;
        var token = RawToken.SignSegments(RawToken.B64(RawToken.Header(key)), RawToken.B64(json), key);
        var validator = Validators.For(key);
        validator.ValidateToken(token).Error.Should().Be(TokenValidationError.Malformed);
        validator.TokenInto(token, new byte[validator.ClaimsBufferSize], out _).Should().Be(TokenValidationError.Malformed);
    }

    [Test]
    public void TryScanFlatClaims_NumbersOfEveryLength_ReadLikeTheFullReader([Values("exp", "gen")] string claim, [Values] bool last)
    {
        // Eight digits are read at a time while eight bytes remain, then one by one: every length, at the end of the object
        // (fewer than eight bytes left) and before another member, crosses both ways.
        const string Digits = "98765432101234567890123";
        var maxDigits = claim == "exp" ? 12 : 18;
        for (var length = 1; length <= Digits.Length; length++)
        {
            foreach (var number in new[] { Digits[..length], "1" + new string('0', length - 1), "0" + Digits[..(length - 1)] })
            {
                var members = $"\"{claim}\":{number}";
                var json = Encoding.UTF8.GetBytes(last ? $"{{\"sub\":\"x\",{members}}}" : $"{{{members},\"sub\":\"x\"}}");
                var expected = number.Length <= maxDigits && (number.Length == 1 || number[0] != '0')
                    && (claim == "gen" || long.Parse(number, System.Globalization.CultureInfo.InvariantCulture) < 253_402_300_800);

                JwtSessions.Internal.FlatPayloadScanner.TryScan(json, s_issuer, s_audiences, out var slots).Should().Be(expected, number);
                if (expected)
                {
                    var value = long.Parse(number, System.Globalization.CultureInfo.InvariantCulture);
                    (claim == "exp" ? slots.Exp : slots.Gen).Should().Be(claim == "exp" ? value * 1000 : value, number);
                    AssertAgrees(json).Should().BeTrue();
                }
            }
        }
    }

    [Test]
    public void TryScanFlatClaims_EveryCorpusPayload_AgreesWithTheFullReader()
    {
        var payloads = 0;
        foreach (var corpusCase in AdversarialCorpus.All)
        {
            var segments = corpusCase.Input.Split(' ')[^1].Split('.');
            if (segments.Length < 2 || !Base64Url.IsValid(segments[1]))
            {
                continue;
            }

            AssertAgrees(Base64Url.DecodeFromChars(segments[1]));
            payloads++;
        }

        payloads.Should().BeGreaterThan(250);
    }

    [Test]
    public void TryScanFlatClaims_SeededMutations_NeverDisagreeWithTheFullReader()
    {
        // Mutations drawn from JSON's own alphabet, so they hit the grammar's edges: quotes, escapes, digits, signs, brackets.
        const string Alphabet = "{}[]\":,\\ \t\n0123456789-+.eEtrufalsn\u00e9xu";
        var random = new Random(20261126);
        int accepted = 0, declined = 0;
        for (var i = 0; i < 30_000; i++)
        {
            var text = new StringBuilder(s_seeds[i % s_seeds.Length]);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text.Remove(at, 1);
                        break;
                    case 1:
                        text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                        break;
                    default:
                        text[at] = Alphabet[random.Next(Alphabet.Length)];
                        break;
                }
            }

            if (AssertAgrees(Encoding.UTF8.GetBytes(text.ToString())))
            {
                accepted++;
            }
            else
            {
                declined++;
            }
        }

        // Both branches must be exercised for the comparison to mean anything.
        accepted.Should().BeGreaterThan(3_000);
        declined.Should().BeGreaterThan(3_000);
    }

    /// <summary>Asserts the fast reader agrees with the full one on <paramref name="json"/>; returns whether it accepted.</summary>
    private static bool AssertAgrees(byte[] json)
    {
        if (!JwtSessions.Internal.FlatPayloadScanner.TryScan(json, s_issuer, s_audiences, out var fast))
        {
            return false;
        }

        Utf8.IsValid(json).Should().BeTrue("the flat reader accepted a payload that is not UTF-8");

        var text = Encoding.UTF8.GetString(json);
        ClaimsReader.Read(json, new byte[2 * json.Length], s_issuer, s_audiences, out var full)
            .Should().Be(TokenValidationError.None, "the flat reader accepted {0}", text);
        fast.Should().Be(full, "both readers must find the same claims in {0}", text);
        return true;
    }
}
