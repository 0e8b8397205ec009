using JwtSessions.Issuance;
using JwtSessions.Signing;
using JwtSessions.Tests.Support;

namespace JwtSessions.Tests.Issuance;

/// <summary>
/// The minting allocation target (docs/benchmarks.md, against the performance targets): minting allocates about the size of its output. The token string, its id string and the result object are
/// all a mint may allocate; payload and signing buffers are reused per thread. Deterministic: bytes counted, not time.
/// </summary>
public sealed class IssuerAllocationTests
{
    private const int Iterations = 2_000;

    [Test]
    public void Issue_Hs256_AllocatesTheTokenItsIdAndTheResultOnly()
    {
        var options = new TokenIssuerOptions { Issuer = RawToken.Issuer, Keys = KeyRing.Create(TestKeys.Hs256), TimeProvider = TestClock.Create() };
        options.Audiences.Add(RawToken.Audience);
        var issuer = new TokenIssuer(options);
        var descriptor = new AccessTokenDescriptor { Subject = "user-1", SessionId = "sid-1", ClientId = "web", Scopes = { "orders:read", "orders:write" } };
        var issued = issuer.Issue(descriptor);

        for (var i = 0; i < Iterations; i++)
        {
            issuer.Issue(descriptor);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            issuer.Issue(descriptor);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / Iterations;

        // A string of n characters takes 22 + 2n bytes rounded up to 8 on a 64-bit runtime; the result object takes 64.
        var expected = StringSize(issued.Token.Length) + StringSize(issued.TokenId.Length) + 64;
        perCall.Should().Be(expected, "a {0}-character token costs {1} bytes as a string", issued.Token.Length, StringSize(issued.Token.Length));
    }

    private static long StringSize(int length) => (22 + (2L * length) + 7) & ~7L;
}
