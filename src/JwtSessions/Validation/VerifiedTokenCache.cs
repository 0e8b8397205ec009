using System.Collections.Concurrent;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// Tokens whose signature and claims already verified, keyed by their exact bytes (full comparison, not a hash alone),
/// so a client that sends the same access token on every request pays for the signature once. Lifetime and revocation
/// are still checked on every hit.
/// </summary>
/// <remarks>
/// Only tokens that passed every check enter, so an attacker cannot fill it without valid tokens. It is bounded by entries
/// and bytes; when full, expired entries are swept, and if it is still full a new token is simply not cached.
/// A cache belongs to one <see cref="TokenValidator"/> and one key ring, and each entry remembers the key that verified it:
/// when the validator's ring changes (<see cref="Signing.KeyRingSource"/>), <see cref="CopyFor"/> carries over only the
/// entries whose key the new ring still holds.
/// </remarks>
internal sealed class VerifiedTokenCache
{
    private readonly ConcurrentDictionary<byte[], Entry> _entries = new(ByteArrayComparer.Instance);
    private readonly ConcurrentDictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly int _maxEntries;
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private long _bytes;

    // ConcurrentDictionary.Count takes every lock of the table; a cache miss must not serialize all validating threads.
    private int _count;

    public VerifiedTokenCache(VerifiedTokenCacheOptions options, TimeProvider time)
        : this(options.MaxEntries, options.MaxBytes, time)
    {
    }

    private VerifiedTokenCache(int maxEntries, long maxBytes, TimeProvider time)
    {
        if (maxEntries < 1 || maxBytes < 1)
        {
            throw new ArgumentException("The verified-token cache needs room for at least one entry and one byte.", nameof(maxEntries));
        }

        _maxEntries = maxEntries;
        _maxBytes = maxBytes;
        _time = time;
        _lookup = _entries.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryGet(ReadOnlySpan<byte> token, out TokenClaims claims)
    {
        var found = _lookup.TryGetValue(token, out var entry);
        claims = entry.Claims;
        return found;
    }

    public void Add(ReadOnlySpan<byte> token, TokenClaims claims, SigningKey key)
    {
        if (!TryReserve(token.Length))
        {
            Sweep();
            if (!TryReserve(token.Length))
            {
                return;
            }
        }

        if (!_entries.TryAdd(token.ToArray(), new Entry(claims, key)))
        {
            // Another thread cached the same token first.
            Release(token.Length);
        }
    }

    /// <summary>
    /// Takes room for one entry of <paramref name="length"/> bytes before the entry is added: a check followed by an add let
    /// concurrent adds pass the check together and take the cache past its bounds. A refused reservation is given back.
    /// </summary>
    private bool TryReserve(int length)
    {
        if (Interlocked.Increment(ref _count) > _maxEntries)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        if (Interlocked.Add(ref _bytes, length) > _maxBytes)
        {
            Release(length);
            return false;
        }

        return true;
    }

    /// <summary>
    /// A new cache with the same bounds holding the entries verified by a key of <paramref name="ring"/> (the same instance).
    /// Entries added here after the copy began may be missed: the new cache then verifies them again, nothing worse.
    /// </summary>
    public VerifiedTokenCache CopyFor(KeyRing ring)
    {
        var copy = new VerifiedTokenCache(_maxEntries, _maxBytes, _time);
        foreach (var entry in _entries)
        {
            if (Contains(ring, entry.Value.Key) && copy.TryReserve(entry.Key.Length) && !copy._entries.TryAdd(entry.Key, entry.Value))
            {
                copy.Release(entry.Key.Length);
            }
        }

        return copy;
    }

    private static bool Contains(KeyRing ring, SigningKey key)
    {
        foreach (var candidate in ring.Keys)
        {
            if (ReferenceEquals(candidate, key))
            {
                return true;
            }
        }

        return false;
    }

    private void Release(int length)
    {
        Interlocked.Add(ref _bytes, -length);
        Interlocked.Decrement(ref _count);
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in _entries)
        {
            if (entry.Value.Claims.ExpiresAtUnixMilliseconds <= now && _entries.TryRemove(entry))
            {
                Release(entry.Key.Length);
            }
        }
    }

    /// <summary>A cached token's claims and the key that verified it; a struct, so an entry costs no object of its own.</summary>
    private readonly record struct Entry(TokenClaims Claims, SigningKey Key);

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteArrayComparer Instance = new();

        private const int HashedSuffix = 32;

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        // Only the last bytes (the end of the signature) and the length are hashed: distinct valid tokens differ there, the
        // full comparison in Equals decides every hit, and only verified tokens ever enter, so an attacker who makes
        // lookups collide gains nothing but a failed comparison. HashCode is seeded per process.
        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = default(HashCode);
            hash.Add(alternate.Length);
            hash.AddBytes(alternate.Length > HashedSuffix ? alternate[^HashedSuffix..] : alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
