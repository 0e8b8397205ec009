using JwtSessions.Signing;

namespace JwtSessions.Dpop;

/// <summary>
/// The public keys of recent proofs, imported once: a client signs every proof with the same key, and importing it (a new
/// <c>ECDsa</c> or <c>RSA</c>, the point-on-curve and size checks, the RFC 7638 thumbprint) costs about as much as verifying the
/// proof. docs/dpop.md ("The proof key cache") discusses the choice.
/// </summary>
/// <remarks>
/// <para>
/// A fixed array of slots, never resized: a flood of proofs each under a fresh key replaces entries, one per verified proof,
/// and never grows the cache, so it costs the server nothing beyond what importing those keys costs without a cache. A slot
/// is chosen by the process-randomized string hash of the key's public members, so a client cannot aim at another's slot.
/// An entry is used only when its members (<c>kty</c>, <c>crv</c>, <c>x</c>, <c>y</c>, <c>n</c>, <c>e</c>) are ordinally
/// equal to the proof's and its algorithm is the proof's: the thumbprint is never the identity of a key here. Only keys
/// whose proof signature verified are added, so unsigned garbage cannot displace a client's key.
/// </para>
/// <para>
/// A replaced entry is disposed when its last user releases it (a lease count with a retired bit), never under a thread
/// that is verifying with it.
/// </para>
/// </remarks>
/// <threadsafety>Thread-safe.</threadsafety>
internal sealed class DpopKeyCache
{
    private readonly Entry?[] _slots;

    public DpopKeyCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _slots = new Entry?[capacity];
    }

    public int Capacity => _slots.Length;

    /// <summary>Gets the number of slots holding a key (for tests and diagnostics; a snapshot).</summary>
    public int Count
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _slots.Length; i++)
            {
                count += Volatile.Read(ref _slots[i]) is null ? 0 : 1;
            }

            return count;
        }
    }

    /// <summary>Finds and leases the entry for exactly these members and algorithm; the caller must <see cref="Entry.Release"/> it.</summary>
    public Entry? Acquire(in DpopJwk jwk, JwtAlgorithm algorithm)
    {
        var entry = Volatile.Read(ref _slots[Slot(jwk)]);
        return entry is not null && entry.Matches(jwk, algorithm) && entry.TryAcquire() ? entry : null;
    }

    /// <summary>Keeps a key whose proof verified, replacing its slot's entry; the cache owns <paramref name="key"/> from here.</summary>
    public void Add(in DpopJwk jwk, JwtAlgorithm algorithm, SigningKey key, string thumbprint)
    {
        var entry = new Entry(jwk, algorithm, key, thumbprint);
        Interlocked.Exchange(ref _slots[Slot(jwk)], entry)?.Retire();
    }

    private int Slot(in DpopJwk jwk)
        => (int)((uint)HashCode.Combine(jwk.Kty, jwk.Crv, jwk.X, jwk.Y, jwk.N, jwk.E) % (uint)_slots.Length);

    /// <summary>One imported key, its members as the proof spelled them, and its thumbprint.</summary>
    internal sealed class Entry
    {
        private const int Retired = 1;
        private const int OneUser = 2;

        private readonly string? _kty;
        private readonly string? _crv;
        private readonly string? _x;
        private readonly string? _y;
        private readonly string? _n;
        private readonly string? _e;
        private readonly JwtAlgorithm _algorithm;

        // Users times two, plus the retired bit.
        private int _state;

        public Entry(in DpopJwk jwk, JwtAlgorithm algorithm, SigningKey key, string thumbprint)
        {
            _kty = jwk.Kty;
            _crv = jwk.Crv;
            _x = jwk.X;
            _y = jwk.Y;
            _n = jwk.N;
            _e = jwk.E;
            _algorithm = algorithm;
            Key = key;
            Thumbprint = thumbprint;
        }

        public SigningKey Key { get; }

        public string Thumbprint { get; }

        /// <summary>The same key material byte for byte (the members are ASCII, so ordinal string equality is byte equality).</summary>
        public bool Matches(in DpopJwk jwk, JwtAlgorithm algorithm)
            => algorithm == _algorithm
                && string.Equals(jwk.X, _x, StringComparison.Ordinal)
                && string.Equals(jwk.Y, _y, StringComparison.Ordinal)
                && string.Equals(jwk.N, _n, StringComparison.Ordinal)
                && string.Equals(jwk.E, _e, StringComparison.Ordinal)
                && string.Equals(jwk.Crv, _crv, StringComparison.Ordinal)
                && string.Equals(jwk.Kty, _kty, StringComparison.Ordinal);

        public bool TryAcquire()
        {
            var state = Volatile.Read(ref _state);
            while ((state & Retired) == 0)
            {
                var seen = Interlocked.CompareExchange(ref _state, state + OneUser, state);
                if (seen == state)
                {
                    return true;
                }

                state = seen;
            }

            return false;
        }

        public void Release()
        {
            if (Interlocked.Add(ref _state, -OneUser) == Retired)
            {
                Key.Dispose();
            }
        }

        /// <summary>Marks the entry replaced: no new lease, and the key is disposed now or by its last user.</summary>
        public void Retire()
        {
            if (Interlocked.Or(ref _state, Retired) == 0)
            {
                Key.Dispose();
            }
        }
    }
}
