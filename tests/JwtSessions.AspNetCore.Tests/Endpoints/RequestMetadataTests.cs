using JwtSessions.AspNetCore.Endpoints;
using JwtSessions.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;

namespace JwtSessions.AspNetCore.Tests.Endpoints;

/// <summary>The metadata a sign-in stores for the session list: bounded, and free of text that could disguise itself there.</summary>
public sealed class RequestMetadataTests
{
    [TestCase("evil\u202Eecived ym", "evil ecived ym", TestName = "Right-to-left override")]
    [TestCase("\u2066phone\u2069\u200F", "phone", TestName = "Isolates and marks")]
    [TestCase("tab\there", "tab here", TestName = "Control character")]
    [TestCase("laptop \U0001F4BB", "laptop \U0001F4BB", TestName = "Whole surrogate pair kept")]
    public void ForSignIn_DeviceName_FormattingCharactersBecomeSpaces(string name, string expected)
        => Metadata(name).DeviceName!.Trim().Should().Be(expected);

    [Test]
    public void ForSignIn_DeviceNameWithALoneSurrogate_ItBecomesASpace()
    {
        // Built in code: an attribute argument cannot hold a lone surrogate (it is stored as UTF-8).
        var name = "half " + '\uD83D' + " pair";

        Metadata(name).DeviceName.Should().Be("half   pair");
    }

    [Test]
    public void ForSignIn_DeviceNameCutInsideASurrogatePair_CutBeforeIt()
    {
        var name = new string('a', 127) + "\U0001F4BB";

        var stored = Metadata(name).DeviceName!;

        stored.Should().Be(new string('a', 127));
    }

    private static Sessions.SessionMetadata Metadata(string deviceName)
        => RequestMetadata.ForSignIn(new DefaultHttpContext(), new JwtSessionsEndpointOptions(), new JwtSessionSignInOptions { DeviceName = deviceName });
}
