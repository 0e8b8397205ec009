using System.Text;
using JwtSessions.AspNetCore.Internal;

namespace JwtSessions.AspNetCore.Tests.Authentication;

/// <summary>The cache of repeating claim values the principal factory reads client ids, scope names and issuers from.</summary>
public sealed class ClaimValueCacheTests
{
    [Test]
    public void Get_SameBytesTwice_ReturnsTheSameString()
    {
        var first = ClaimValueCache.Get("orders:read"u8);
        var second = ClaimValueCache.Get("orders:read"u8);

        first.Should().Be("orders:read");
        second.Should().BeSameAs(first);
    }

    [Test]
    public void Get_ManyValuesSharingSlots_EachReturnsItsOwnValue()
    {
        // Far more values than slots, read twice in turn: a value that lost its slot is decoded again, never mistaken for
        // the value that took it.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 1_000; i++)
            {
                var value = "scope:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                ClaimValueCache.Get(Encoding.UTF8.GetBytes(value)).Should().Be(value);
            }
        }
    }

    [Test]
    public void Get_ValueOverTheCachedLength_IsDecodedEachTime()
    {
        var utf8 = Encoding.UTF8.GetBytes(new string('s', 200));

        var first = ClaimValueCache.Get(utf8);
        var second = ClaimValueCache.Get(utf8);

        second.Should().Be(first).And.NotBeSameAs(first);
    }

    [Test]
    public void Get_NonAsciiValue_DecodesUtf8()
        => ClaimValueCache.Get("tenant:é✓"u8).Should().Be("tenant:é✓");
}
