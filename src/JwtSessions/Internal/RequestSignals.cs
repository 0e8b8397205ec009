using System.Net;
using System.Net.Sockets;

namespace JwtSessions.Internal;

/// <summary>
/// The comparable forms of a request's context signals: a user agent's family (browser and operating system, coarse on
/// purpose, since versions change with every update) and an address's network (/24 for IPv4, /48 for IPv6).
/// </summary>
internal static class RequestSignals
{
    // Order matters: Edge and Opera say "Chrome", Chrome says "Safari", iOS says "Mac OS X", Android says "Linux".
    private static readonly (string Marker, string Family)[] s_browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Chromium/", "Chrome"),
        ("Safari/", "Safari"), ("curl/", "curl"), ("okhttp/", "OkHttp"), ("Dart/", "Dart"), ("python-requests/", "Python"),
    ];

    private static readonly (string Marker, string Family)[] s_systems =
    [
        ("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iOS"), ("Android", "Android"), ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    /// <summary>The family of a <c>User-Agent</c> value, such as <c>Firefox on Windows</c>; <see langword="null"/> when there is none.</summary>
    public static string? UserAgentFamily(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return null;
        }

        return $"{Find(userAgent, s_browsers)} on {Find(userAgent, s_systems)}";
    }

    /// <summary>The network of an address, as <c>203.0.113.0/24</c> or <c>2001:db8:1::/48</c>; <see langword="null"/> when it is not an address.</summary>
    public static string? IpNetwork(string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip))
        {
            return null;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out var length);
        var prefix = ip.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        bytes[prefix..length].Clear();
        return $"{new IPAddress(bytes[..length])}/{prefix * 8}";
    }

    private static string Find(string userAgent, (string Marker, string Family)[] table)
    {
        foreach (var (marker, family) in table)
        {
            if (userAgent.Contains(marker, StringComparison.Ordinal))
            {
                return family;
            }
        }

        return "Other";
    }
}
