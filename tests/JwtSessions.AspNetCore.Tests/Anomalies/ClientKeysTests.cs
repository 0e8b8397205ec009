using System.Net;
using JwtSessions.AspNetCore.Anomalies;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Tests.Anomalies;

/// <summary>What keys a request for the anomaly detector: the device id a client sends, only when it is safe to log.</summary>
public sealed class ClientKeysTests
{
    private const string Header = "X-Device-Id";

    [TestCase("3f2b9c1e-7a4d-4e8b-9f00-1c2d3e4f5a6b")]
    [TestCase("installation_42!~")]
    public void Of_VisibleAsciiDeviceId_KeysByTheDeviceId(string deviceId)
        => Key(deviceId).Should().Be(deviceId);

    [TestCase("dev\r\n2026-12-05 WARN forged line")]
    [TestCase("device id")]
    [TestCase("device\u202Eid")]
    [TestCase("d\u00e9vice")]
    [TestCase("device\0")]
    public void Of_DeviceIdWithCharactersUnsafeInALog_KeysByTheAddress(string deviceId)
        => Key(deviceId).Should().Be("203.0.113.7");

    [Test]
    public void Of_DeviceIdOverTheCap_KeysByTheAddress()
        => Key(new string('a', ClientKeys.MaxLength + 1)).Should().Be("203.0.113.7");

    private static string Key(string deviceId)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        context.Request.Headers[Header] = deviceId;
        Span<char> buffer = stackalloc char[ClientKeys.MaxLength];
        return ClientKeys.Of(context, JwtSessionsClientKey.DeviceId, Header, buffer).ToString();
    }
}
