using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;

namespace JwtSessions.Sessions;

/// <content>The key sessions are held under: the 16 bytes of a session id, not its 22-character text.</content>
public sealed partial class InMemorySessionStore
{
    /// <summary>
    /// A session id as a key. The ids <see cref="SessionManager"/> makes (128 CSPRNG bits, unpadded base64url: 22 characters)
    /// are held as their two 64-bit halves, with no string; any other id (the store accepts any string) is held as its text.
    /// </summary>
    /// <remarks>
    /// An id is held as bytes only when it is the one encoding of its 16 bytes (decoding and re-encoding gives it back
    /// character for character), so two distinct ids never share a key, and <see cref="ToString"/> gives the id back exactly.
    /// </remarks>
    private readonly struct SessionKey : IEquatable<SessionKey>
    {
        private const int IdBytes = 16;
        private const int IdChars = 22;

        private readonly ulong _high;
        private readonly ulong _low;
        private readonly string? _text;

        private SessionKey(ulong high, ulong low, string? text)
        {
            _high = high;
            _low = low;
            _text = text;
        }

        public static SessionKey From(string sessionId)
        {
            Span<byte> bytes = stackalloc byte[IdBytes];
            Span<char> encoded = stackalloc char[IdChars];
            // The decoder's status, not its Try method: that one throws on a character outside the alphabet.
            if (sessionId.Length == IdChars
                && Base64Url.DecodeFromChars(sessionId, bytes, out _, out var decoded) == OperationStatus.Done && decoded == IdBytes
                && Base64Url.TryEncodeToChars(bytes, encoded, out var written) && written == IdChars
                && encoded.SequenceEqual(sessionId))
            {
                return new SessionKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), null);
            }

            return new SessionKey(0, 0, sessionId);
        }

        public bool Equals(SessionKey other) => _high == other._high && _low == other._low && string.Equals(_text, other._text, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is SessionKey other && Equals(other);

        // Both hashes are seeded per process (HashCode, and string hashing), so no one can choose colliding ids ahead of time.
        public override int GetHashCode() => _text is null ? HashCode.Combine(_high, _low) : _text.GetHashCode(StringComparison.Ordinal);

        /// <summary>Gets the session id, character for character as it was stored.</summary>
        public override string ToString()
        {
            if (_text is not null)
            {
                return _text;
            }

            Span<byte> bytes = stackalloc byte[IdBytes];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _low);
            return Base64Url.EncodeToString(bytes);
        }
    }
}
