using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// The accepted-header memo (docs/validation.md, step 7): up to eight JOSE headers of tokens that passed every check, by
/// their exact base64url text, with the key each selected, so a byte-identical header skips <see cref="JoseHeaderReader"/>.
/// One per validator.
/// </summary>
internal sealed class AcceptedHeaderMemo
{
    private const int MaxAcceptedHeaders = 8;

    // JOSE headers that already led to a valid token, by their exact base64url text, with the key they selected. An issuer
    // writes the same header on every token it signs, so a hit skips decoding and parsing it.
    // Sound because header checking is a pure function of the header bytes and of this validator's immutable configuration
    // (allowed algorithms, accepted types, key ring): equal bytes give the same key, or the same error. Only headers of tokens
    // that passed every check enter, so garbage and forgeries can neither fill it nor make it allocate. It fills once and
    // never evicts: no churn, and a validator's legitimate headers are few (one per key and issuer format).
    private readonly AcceptedHeader?[] _acceptedHeaders = new AcceptedHeader?[MaxAcceptedHeaders];

    public SigningKey? Find(ReadOnlySpan<byte> encodedHeader)
    {
        foreach (var entry in _acceptedHeaders)
        {
            if (entry is null)
            {
                return null;
            }

            if (encodedHeader.SequenceEqual(entry.EncodedHeader))
            {
                return entry.Key;
            }
        }

        return null;
    }

    /// <summary>Remembers the header of a token that passed every check; a no-op once full.</summary>
    public void Remember(ReadOnlySpan<byte> encodedHeader, SigningKey key)
    {
        // Threads that validate the first tokens of one issuer at once all get here with the same header: the one that loses
        // the race for a slot finds its header there and stops, so concurrent first validations do not fill slots with copies.
        var slots = _acceptedHeaders;
        for (var i = 0; i < slots.Length; i++)
        {
            var entry = Volatile.Read(ref slots[i]) ?? Interlocked.CompareExchange(ref slots[i], new AcceptedHeader(encodedHeader.ToArray(), key), null);
            if (entry is null || encodedHeader.SequenceEqual(entry.EncodedHeader))
            {
                return;
            }
        }
    }

    private sealed class AcceptedHeader(byte[] encodedHeader, SigningKey key)
    {
        public byte[] EncodedHeader { get; } = encodedHeader;

        public SigningKey Key { get; } = key;
    }
}
