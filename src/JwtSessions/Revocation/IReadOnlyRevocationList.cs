namespace JwtSessions.Revocation;

/// <summary>
/// A read-only view of a set of revoked session ids: what a caller may look at, without adding entries or changing whether
/// the feed behind it is live. <see cref="RevocationList"/> implements it.
/// </summary>
/// <threadsafety>All members are safe to call from any number of threads at once.</threadsafety>
public interface IReadOnlyRevocationList
{
    /// <summary>Gets the number of entries held, expired ones not yet swept included.</summary>
    int Count { get; }

    /// <summary>Gets a value indicating whether the feed that keeps the list current is live.</summary>
    bool IsAvailable { get; }

    /// <summary>Tells whether a session is revoked.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns><see langword="true"/> when the session is in the list.</returns>
    bool Contains(string sessionId);
}
