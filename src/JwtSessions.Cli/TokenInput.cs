using System.Text;

namespace JwtSessions.Cli;

/// <summary>Resolves the TOKEN argument of <c>verify</c> and <c>inspect</c>.</summary>
internal static class TokenInput
{
    /// <summary>The argument that means "read the token from standard input".</summary>
    public const string StandardInput = "-";

    /// <summary>
    /// Reads at most this many characters from standard input. The validator's own cap is 8 KiB, so anything longer is
    /// rejected as <c>too_large</c> either way; the bound only keeps a runaway pipe from filling memory.
    /// </summary>
    public const int MaxStandardInputChars = 1024 * 1024;

    /// <summary>
    /// Returns <paramref name="argument"/> itself, or for <c>-</c> the whole of standard input minus one trailing newline
    /// (<c>\n</c> or <c>\r\n</c>), so <c>echo "$TOKEN" | jwtsessions verify ... -</c> works. Nothing else is trimmed:
    /// a token with other stray whitespace is the caller's bug and is reported as such.
    /// </summary>
    /// <param name="argument">The TOKEN argument: a bare token, an Authorization header value, or <c>-</c>.</param>
    /// <param name="input">Standard input.</param>
    /// <returns>The token text.</returns>
    public static string Read(string argument, TextReader input)
    {
        if (argument != StandardInput)
        {
            return argument;
        }

        var text = new StringBuilder();
        var chunk = new char[4096];
        int read;
        while (text.Length < MaxStandardInputChars
            && (read = input.Read(chunk, 0, Math.Min(chunk.Length, MaxStandardInputChars - text.Length))) > 0)
        {
            text.Append(chunk, 0, read);
        }

        var length = text.Length;
        if (length > 0 && text[length - 1] == '\n')
        {
            length--;
            if (length > 0 && text[length - 1] == '\r')
            {
                length--;
            }
        }

        return text.ToString(0, length);
    }
}
