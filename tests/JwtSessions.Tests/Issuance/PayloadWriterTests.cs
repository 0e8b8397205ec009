using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issuance;

/// <summary>
/// The issuer writes the standard claims by hand and leaves every other string and value to System.Text.Json. The payload must
/// be byte for byte what writing it all with <see cref="Utf8JsonWriter"/> gives: same member order, same escapes, same numbers.
/// </summary>
public sealed class PayloadWriterTests
{
    // JSON's escapes, control characters, DEL, HTML-sensitive characters, Latin-1, CJK and a surrogate pair, kept whole. A
    // lone surrogate is refused at minting (TokenIssuerInputTests), so random strings never hold one.
    private static readonly string[] s_units =
        [.. "aZ09 -_.:/+<>&'\"\\\u0000\u0001\u001f\u007f\u0080\u00e9\u2028\u540d~`{}[]".Select(static c => c.ToString()), "\ud83d\ude00"];

    private static readonly string[] s_strings =
    [
        "user-1", "s", " ", "orders:read", "ann+o'neil <é> & 名前", "quote\"inside", "back\\slash", "tab\there", "nul\0", "\u007f",
        "line\u2028sep", "emoji \ud83d\ude00", new string('x', 600), "~`!@#$%^&*()=|{}[];,?",
    ];

    [TestCaseSource(nameof(s_strings))]
    public void Issue_StringInEveryStringClaim_PayloadIsWhatSystemTextJsonWrites(string value)
    {
        var issuer = CreateIssuer(RawToken.Issuer, RawToken.Audience);
        // A scope name has no space (RFC 6749 §3.3): the value's other characters still go through the scope writer.
        var descriptor = new AccessTokenDescriptor { Subject = value, SessionId = value, ClientId = value, Scopes = { value.Replace(' ', '_'), "b" } };
        descriptor.Claims["x" + value] = value;
        descriptor.Claims["list"] = new object[] { value, 1, true };

        var issued = issuer.Issue(descriptor);

        Payload(issued).Should().Equal(Expected(issued, RawToken.Issuer, [RawToken.Audience], descriptor, generation: null));
    }

    [Test]
    public void Issue_SeededRandomDescriptors_PayloadIsWhatSystemTextJsonWrites()
    {
        var random = new Random(20261126);
        for (var i = 0; i < 2_000; i++)
        {
            var audiences = Enumerable.Range(0, random.Next(1, 3)).Select(_ => RandomString(random, 1)).ToArray();
            var issuerName = RandomString(random, 1);
            var issuer = CreateIssuer(issuerName, audiences);
            var descriptor = new AccessTokenDescriptor
            {
                Subject = RandomString(random, 1),
                SessionId = random.Next(2) == 0 ? null : RandomString(random, 1),
                ClientId = random.Next(2) == 0 ? null : RandomString(random, 0),
            };
            for (var s = random.Next(4); s > 0; s--)
            {
                descriptor.Scopes.Add(RandomString(random, 1).Replace(' ', '_'));
            }

            for (var c = random.Next(3); c > 0; c--)
            {
                descriptor.Claims["c" + RandomString(random, 0)] = random.Next(4) switch
                {
                    0 => RandomString(random, 0),
                    1 => random.NextInt64(long.MinValue, long.MaxValue),
                    2 => random.NextDouble() * 1e6,
                    _ => new object[] { RandomString(random, 0), false },
                };
            }

            var issued = issuer.Issue(descriptor);

            Payload(issued).Should().Equal(Expected(issued, issuerName, audiences, descriptor, generation: null), "case {0}", i);
        }
    }

    [Test]
    public void Mint_WithGenerationAndDeadline_PayloadIsWhatSystemTextJsonWrites()
    {
        var issuer = CreateIssuer(RawToken.Issuer, RawToken.Audience, "api://second");
        var descriptor = new AccessTokenDescriptor { Subject = "user-1", SessionId = "sid-1", Scopes = { "refresh" } };

        var issued = issuer.Mint("user-1", "sid-1", TimeSpan.FromHours(1), TestClock.Start.AddMinutes(30), generation: long.MaxValue, scope: "refresh");

        Payload(issued).Should().Equal(Expected(issued, RawToken.Issuer, [RawToken.Audience, "api://second"], descriptor, generation: long.MaxValue));
    }

    [TestCase(20_000, false, TestName = "Issuer of 20,000 plain characters")]
    [TestCase(2_000, true, TestName = "Issuer of 2,000 characters that need escaping")]
    public void Issue_IssuerLongerThanTheKeptBuffer_ConstructsAndWritesWhatSystemTextJsonWrites(int length, bool escaped)
    {
        var name = new string(escaped ? '"' : 'i', length);
        var issuer = CreateIssuer(name, RawToken.Audience);
        var descriptor = new AccessTokenDescriptor { Subject = "user-1" };

        var issued = issuer.Issue(descriptor);

        Payload(issued).Should().Equal(Expected(issued, name, [RawToken.Audience], descriptor, generation: null));
    }

    [Test]
    public void Issue_PayloadLargerThanTheKeptBuffer_NextTokenIsWrittenAfresh()
    {
        var issuer = CreateIssuer(RawToken.Issuer, RawToken.Audience);
        var large = new AccessTokenDescriptor { Subject = "user-1", Claims = { ["pad"] = new string('p', 40_000) } };
        var small = new AccessTokenDescriptor { Subject = "user-2", Scopes = { "read" } };

        var first = issuer.Issue(large);
        var second = issuer.Issue(small);

        Payload(first).Should().Equal(Expected(first, RawToken.Issuer, [RawToken.Audience], large, generation: null));
        Payload(second).Should().Equal(Expected(second, RawToken.Issuer, [RawToken.Audience], small, generation: null));
    }

    [Test]
    public void Issue_ClaimValueThatMintsWhileBeingWritten_BothPayloadsAreWhole()
    {
        var issuer = CreateIssuer(RawToken.Issuer, RawToken.Audience);
        var inner = new AccessTokenDescriptor { Subject = "inner", SessionId = "sid-inner" };
        var reentrant = new MintingList(issuer, inner);
        var outer = new AccessTokenDescriptor { Subject = "outer", Claims = { ["list"] = reentrant } };

        var issued = issuer.Issue(outer);

        reentrant.Minted.Should().NotBeEmpty();
        Payload(issued).Should().Equal(Expected(issued, RawToken.Issuer, [RawToken.Audience], outer, generation: null));
        foreach (var token in reentrant.Minted)
        {
            Payload(token).Should().Equal(Expected(token, RawToken.Issuer, [RawToken.Audience], inner, generation: null));
        }
    }

    private static string RandomString(Random random, int minLength)
    {
        var length = random.Next(minLength, 12);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(s_units[random.Next(s_units.Length)]);
        }

        return text.ToString();
    }

    private static byte[] Payload(IssuedToken issued) => Forge.Unb64(Forge.Split(issued.Token).Payload);

    /// <summary>The whole payload as one <see cref="Utf8JsonWriter"/> writes it, with the issuer's encoder.</summary>
    private static byte[] Expected(IssuedToken issued, string issuer, string[] audiences, AccessTokenDescriptor descriptor, long? generation)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("iss", issuer);
            writer.WriteString("sub", descriptor.Subject);
            if (audiences.Length == 1)
            {
                writer.WriteString("aud", audiences[0]);
            }
            else
            {
                writer.WriteStartArray("aud");
                foreach (var audience in audiences)
                {
                    writer.WriteStringValue(audience);
                }

                writer.WriteEndArray();
            }

            writer.WriteNumber("exp", issued.ExpiresAt.ToUnixTimeSeconds());
            writer.WriteNumber("iat", issued.IssuedAt.ToUnixTimeSeconds());
            writer.WriteNumber("nbf", issued.IssuedAt.ToUnixTimeSeconds());
            writer.WriteString("jti", issued.TokenId);
            if (descriptor.SessionId is not null)
            {
                writer.WriteString("sid", descriptor.SessionId);
            }

            if (generation is { } gen)
            {
                writer.WriteNumber("gen", gen);
            }

            if (descriptor.Scopes.Count > 0)
            {
                writer.WriteString("scope", string.Join(' ', descriptor.Scopes));
            }

            if (descriptor.ClientId is not null)
            {
                writer.WriteString("client_id", descriptor.ClientId);
            }

            foreach (var (name, value) in descriptor.Claims)
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, value);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static TokenIssuer CreateIssuer(string issuer, params string[] audiences)
    {
        // The largest cap: these tests write payloads of tens of kilobytes on purpose, to outgrow the kept buffer.
        var options = new TokenIssuerOptions { Issuer = issuer, Keys = KeyRing.Create(TestKeys.Hs256), TimeProvider = TestClock.Create(), MaxTokenSize = 64 * 1024 };
        foreach (var audience in audiences)
        {
            options.Audiences.Add(audience);
        }

        return new TokenIssuer(options);
    }

    /// <summary>A claim value that mints a token on the same thread each time it is enumerated.</summary>
    private sealed class MintingList(TokenIssuer issuer, AccessTokenDescriptor descriptor) : System.Collections.IEnumerable
    {
        public List<IssuedToken> Minted { get; } = [];

        public System.Collections.IEnumerator GetEnumerator()
        {
            Minted.Add(issuer.Issue(descriptor));
            return new object[] { "a", 1 }.GetEnumerator();
        }
    }
}
