using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;
namespace JwtSessions.Tests.Issuance;

/// <summary>The issuer reuses a per-thread writer and batches its randomness; neither may leak between tokens.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class TokenIssuerReuseTests
{
    private readonly TokenIssuer _issuer = CreateIssuer();

    [Test]
    public void Issue_AfterClaimOfUnsupportedType_NextTokenIsClean()
    {
        var bad = new AccessTokenDescriptor { Subject = "alice", Claims = { ["when"] = new object() } };
        var act = () => _issuer.Issue(bad);
        act.Should().Throw<ArgumentException>();

        var issued = _issuer.Issue(new AccessTokenDescriptor { Subject = "bob", Scopes = { "read", "write" } });
        var result = Validators.For(TestKeys.Hs256).ValidateToken(issued.Token);

        result.IsValid.Should().BeTrue();
        result.Subject.Should().Be("bob");
        result.Scopes.Should().Equal("read", "write");
        result.TryGetClaim("when", out _).Should().BeFalse();
    }

    [Test]
    public void Issue_ManyTokensOnManyThreads_TokenIdsAreUnique()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => ids.Add(_issuer.Issue(new AccessTokenDescriptor { Subject = "s" }).TokenId));

        ids.Distinct().Should().HaveCount(4000);
        ids.Should().OnlyContain(static id => id.Length == 22);
    }

    [Test]
    public void Issue_LongScopeList_IsWrittenWhole()
    {
        var descriptor = new AccessTokenDescriptor { Subject = "alice" };
        var scopes = Enumerable.Range(0, 100).Select(static i => $"scope-{i:D3}").ToArray();
        foreach (var scope in scopes)
        {
            descriptor.Scopes.Add(scope);
        }

        Validators.For(TestKeys.Hs256).ValidateToken(_issuer.Issue(descriptor).Token).Scopes.Should().Equal(scopes);
    }

    [Test]
    public void Issue_SubjectWithHtmlAndNonAsciiCharacters_IsWrittenUnescapedAndReadByTheFlatReader()
    {
        const string Subject = "ann+o'neil <é> & 名前";
        var issued = _issuer.Issue(new AccessTokenDescriptor { Subject = Subject, Claims = { ["note"] = "a\"quote\" and \\" } });
        var payload = Forge.Unb64(Forge.Split(issued.Token).Payload);
        var json = System.Text.Encoding.UTF8.GetString(payload);

        // JSON's own escapes only: the quote and backslash of "note", nothing in the subject.
        json.Should().Contain("\"sub\":\"" + Subject + "\"");
        json.Should().Contain("\"note\":\"a\\\"quote\\\" and \\\\\"");
        var withoutNote = System.Text.Encoding.UTF8.GetBytes(json.Replace(",\"note\":\"a\\\"quote\\\" and \\\\\"", string.Empty, StringComparison.Ordinal));
        JwtSessions.Internal.FlatPayloadScanner.TryScan(withoutNote, System.Text.Encoding.UTF8.GetBytes(RawToken.Issuer), [System.Text.Encoding.UTF8.GetBytes(RawToken.Audience)], out _)
            .Should().BeTrue("a payload of plain strings stays in the flat reader's subset");
        var result = Validators.For(TestKeys.Hs256).ValidateToken(issued.Token);
        result.Subject.Should().Be(Subject);
        result.TryGetClaim("note", out var note).Should().BeTrue();
        note.GetString().Should().Be("a\"quote\" and \\");
    }

    private static TokenIssuer CreateIssuer()
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Hs256), TimeProvider = TestClock.Create() };
        options.Audiences.Add(RawToken.Audience);
        return new TokenIssuer(options);
    }
}
