using System.Text.Json;

namespace JwtSessions.Validation;

/// <summary>
/// The claims of a token that passed every check. Registered claims are read once during validation;
/// any other claim is parsed on demand with <see cref="TryGetClaim"/>.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class TokenClaims
{
    private readonly byte[] _payload;
    private JsonElement? _root;

    internal TokenClaims(
        byte[] payload,
        string issuer,
        string subject,
        string tokenId,
        string? sessionId,
        IReadOnlyList<string> audiences,
        long expiresAtMs,
        long issuedAtMs,
        long? notBeforeMs,
        string? scope,
        string? clientId,
        long? generation)
    {
        _payload = payload;
        Issuer = issuer;
        Subject = subject;
        TokenId = tokenId;
        SessionId = sessionId;
        Audiences = audiences;
        ExpiresAtUnixMilliseconds = expiresAtMs;
        IssuedAtUnixMilliseconds = issuedAtMs;
        NotBeforeUnixMilliseconds = notBeforeMs;
        Scope = scope;
        ClientId = clientId;
        Generation = generation;
        Scopes = string.IsNullOrEmpty(scope) ? [] : scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Gets <c>iss</c>.</summary>
    public string Issuer { get; }

    /// <summary>Gets <c>sub</c>, the subject (user) the token was issued to.</summary>
    public string Subject { get; }

    /// <summary>Gets <c>jti</c>, the unique token id.</summary>
    public string TokenId { get; }

    /// <summary>Gets <c>sid</c>, the session id, or <see langword="null"/> for a token outside any session.</summary>
    public string? SessionId { get; }

    /// <summary>Gets <c>aud</c> as a list (a single string becomes one entry).</summary>
    public IReadOnlyList<string> Audiences { get; }

    /// <summary>Gets <c>exp</c>.</summary>
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtUnixMilliseconds);

    /// <summary>Gets <c>iat</c>.</summary>
    public DateTimeOffset IssuedAt => DateTimeOffset.FromUnixTimeMilliseconds(IssuedAtUnixMilliseconds);

    /// <summary>Gets <c>nbf</c>, or <see langword="null"/> when absent.</summary>
    public DateTimeOffset? NotBefore => NotBeforeUnixMilliseconds is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    /// <summary>Gets <c>scope</c> as sent: space-separated scope names (RFC 8693 §4.2), or <see langword="null"/>.</summary>
    public string? Scope { get; }

    /// <summary>Gets the scope names of <c>scope</c>.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Gets <c>client_id</c> (RFC 9068 §2.2), or <see langword="null"/>.</summary>
    public string? ClientId { get; }

    /// <summary>Gets the raw payload JSON (UTF-8).</summary>
    public ReadOnlyMemory<byte> Payload => _payload;

    internal long ExpiresAtUnixMilliseconds { get; }

    internal long IssuedAtUnixMilliseconds { get; }

    internal long? NotBeforeUnixMilliseconds { get; }

    /// <summary>Gets the refresh-token generation counter (<c>gen</c>), present on refresh tokens only.</summary>
    internal long? Generation { get; }

    /// <summary>Gets whether <c>scope</c> contains <paramref name="scope"/> (exact, case-sensitive).</summary>
    /// <param name="scope">The scope name.</param>
    /// <returns><see langword="true"/> when the token carries the scope.</returns>
    public bool HasScope(string scope)
    {
        foreach (var s in Scopes)
        {
            if (string.Equals(s, scope, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets any claim by name, parsed on first use. The payload was already checked to be strict JSON.</summary>
    /// <param name="name">The claim name.</param>
    /// <param name="value">The claim value.</param>
    /// <returns><see langword="true"/> when the claim is present.</returns>
    public bool TryGetClaim(string name, out JsonElement value)
    {
        _root ??= JsonDocument.Parse(_payload).RootElement.Clone();
        return _root.Value.TryGetProperty(name, out value);
    }
}
