using System.Text;

namespace JwtSessions.Dpop;

/// <summary>
/// The <c>htu</c> comparison (RFC 9449 §4.3 check 9): the request's URI and the proof's, each without query and fragment,
/// after syntax- and scheme-based normalization (RFC 3986 §6.2.2, §6.2.3: case of scheme and host, default port, percent
/// encoding of unreserved characters, dot segments).
/// </summary>
/// <remarks>
/// The request's side is normalized once per request (<see cref="Normalize"/>). A proof whose <c>htu</c> is already written in
/// that form, as clients write it, matches byte for byte with no allocation; only another spelling is parsed as a
/// <see cref="Uri"/> and normalized the same way.
/// </remarks>
internal static class DpopTarget
{
    /// <summary>The request's URI as a proof's <c>htu</c> must name it.</summary>
    /// <exception cref="ArgumentException">The URI is not absolute HTTP or HTTPS.</exception>
    public static string Normalize(Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        if (!requestUri.IsAbsoluteUri || (requestUri.Scheme != Uri.UriSchemeHttps && requestUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The request URI must be an absolute HTTP or HTTPS URI.", nameof(requestUri));
        }

        return Components(requestUri);
    }

    /// <summary>Whether a proof's <c>htu</c> (unescaped UTF-8) names the normalized request URI <paramref name="target"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> htu, string target)
    {
        var end = htu.IndexOfAny((byte)'?', (byte)'#');
        if (end >= 0)
        {
            htu = htu[..end];
        }

        if (Ascii.Equals(htu, target))
        {
            return true;
        }

        // Another spelling of the same URI, or another URI: only now is a Uri made.
        return Uri.TryCreate(Encoding.UTF8.GetString(htu), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && string.Equals(Components(uri), target, StringComparison.Ordinal);
    }

    private static string Components(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}
