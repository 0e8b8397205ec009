using JwtSessions.Internal;

namespace JwtSessions.Tests.Internal;

public sealed class RequestSignalsTests
{
    [TestCase("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0", "Edge on Windows")]
    [TestCase("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36", "Chrome on Windows")]
    [TestCase("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS")]
    [TestCase("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iOS")]
    [TestCase("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36", "Chrome on Android")]
    [TestCase("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0", "Firefox on Linux")]
    [TestCase("curl/8.5.0", "curl on Other")]
    [TestCase("something", "Other on Other")]
    public void UserAgentFamily_KnownAgents_BrowserAndSystemOnly(string userAgent, string family)
        => RequestSignals.UserAgentFamily(userAgent).Should().Be(family);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void UserAgentFamily_Missing_IsNull(string? userAgent)
        => RequestSignals.UserAgentFamily(userAgent).Should().BeNull();

    [TestCase("192.0.2.7", "192.0.2.0/24")]
    [TestCase("192.0.2.255", "192.0.2.0/24")]
    [TestCase("::ffff:192.0.2.7", "192.0.2.0/24")]
    [TestCase("2001:db8:1:2::1", "2001:db8:1::/48")]
    [TestCase("2001:db8:1:ffff:ffff::5", "2001:db8:1::/48")]
    [TestCase("2001:db8:2::1", "2001:db8:2::/48")]
    public void IpNetwork_Addresses_TheirNetwork(string address, string network)
        => RequestSignals.IpNetwork(address).Should().Be(network);

    [TestCase(null)]
    [TestCase("not an address")]
    [TestCase("")]
    public void IpNetwork_NotAnAddress_IsNull(string? address)
        => RequestSignals.IpNetwork(address).Should().BeNull();
}
