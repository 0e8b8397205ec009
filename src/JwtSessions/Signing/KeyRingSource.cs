namespace JwtSessions.Signing;

/// <summary>
/// A key ring that changes while validators use it, such as the issuer's published JWK set (<see cref="Remote.JwksKeySource"/>).
/// A <see cref="Validation.TokenValidator"/> built with one (<see cref="Validation.TokenValidatorOptions.KeySource"/>) reads
/// <see cref="Current"/> once per validation and switches to a new ring atomically: a validation runs wholly on one ring.
/// </summary>
/// <remarks>
/// A source with no keys (none loaded yet, or the last known set held for too long) publishes an empty ring, and every token
/// then fails with <see cref="Validation.TokenValidationError.UnknownKey"/>: it fails closed. A derived source publishes with
/// <see cref="Publish"/>, and may react to <see cref="OnUnknownKey"/>, which validators call off no lock, on the request's
/// thread: it must return at once and never wait on I/O.
/// </remarks>
/// <threadsafety>Thread-safe: <see cref="Current"/> is a volatile read of an immutable ring.</threadsafety>
public abstract class KeyRingSource
{
    private KeyRing _current = KeyRing.ForVerification();

    /// <summary>Gets the current verification ring; empty while the source has no usable keys.</summary>
    public KeyRing Current => Volatile.Read(ref _current);

    /// <summary>Makes <paramref name="ring"/> the current ring, seen by the next validation of every validator using this source.</summary>
    /// <param name="ring">The new ring; verification only (a source never hands out a signing key).</param>
    /// <exception cref="ArgumentException"><paramref name="ring"/> holds an active signing key.</exception>
    protected void Publish(KeyRing ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        if (ring.ActiveKey is not null)
        {
            throw new ArgumentException("A key source publishes verification rings only.", nameof(ring));
        }

        Volatile.Write(ref _current, ring);
    }

    /// <summary>
    /// Called by a validator when a token names a key the current ring lacks (or the ring is empty), after the token has been
    /// rejected: a hint that the issuer may have rotated. Must return at once; the default does nothing.
    /// </summary>
    protected internal virtual void OnUnknownKey()
    {
    }
}
