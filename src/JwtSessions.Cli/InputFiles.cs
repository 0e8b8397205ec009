using System.Text;

namespace JwtSessions.Cli;

/// <summary>Reads the small text files the commands take (JWKs and JWK sets), turning every I/O failure into a clear message.</summary>
internal static class InputFiles
{
    /// <summary>No JWK or JWK set of ours comes near this; a larger file is a mistake, not a key.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Reads <paramref name="path"/> as UTF-8 text.</summary>
    /// <param name="path">The file path as given on the command line.</param>
    /// <param name="what">What the file should hold, for messages ("key file", "JWK set").</param>
    /// <returns>The file's text.</returns>
    /// <exception cref="CliException">The file does not exist, cannot be read, or is larger than <see cref="MaxFileBytes"/>.</exception>
    public static string ReadText(string path, string what)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new CliException(Directory.Exists(path)
                    ? $"cannot read {what} '{path}': it is a directory."
                    : $"cannot read {what} '{path}': the file does not exist.");
            }

            // The length is checked again while reading: a pipe or a device (--jwks <(...), /dev/stdin) reports 0.
            if (info.Length > MaxFileBytes)
            {
                throw TooLarge(path, what);
            }

            using var stream = File.OpenRead(path);
            var bytes = new byte[MaxFileBytes + 1];
            var length = 0;
            int read;
            while (length < bytes.Length && (read = stream.Read(bytes, length, bytes.Length - length)) > 0)
            {
                length += read;
            }

            if (length > MaxFileBytes)
            {
                throw TooLarge(path, what);
            }

            using var reader = new StreamReader(new MemoryStream(bytes, 0, length), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"cannot read {what} '{path}': {ex.Message}", ex);
        }
    }

    private static CliException TooLarge(string path, string what)
        => new($"cannot read {what} '{path}': it is larger than {MaxFileBytes / 1024} KiB, which no JWK is.");
}
