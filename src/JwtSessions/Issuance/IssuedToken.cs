namespace JwtSessions.Issuance;

/// <summary>A freshly minted token with the values a caller needs without parsing it.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class IssuedToken
{
    /// <summary>Initializes a new instance of the <see cref="IssuedToken"/> class.</summary>
    /// <param name="token">The compact JWS.</param>
    /// <param name="tokenId">Its <c>jti</c>.</param>
    /// <param name="issuedAt">Its <c>iat</c> (and <c>nbf</c>).</param>
    /// <param name="expiresAt">Its <c>exp</c>.</param>
    public IssuedToken(string token, string tokenId, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(tokenId);
        Token = token;
        TokenId = tokenId;
        IssuedAt = issuedAt;
        ExpiresAt = expiresAt;
    }

    /// <summary>Gets the compact JWS.</summary>
    public string Token { get; }

    /// <summary>Gets its <c>jti</c>.</summary>
    public string TokenId { get; }

    /// <summary>Gets its <c>iat</c> (and <c>nbf</c>).</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>Gets its <c>exp</c>.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <inheritdoc />
    public override string ToString() => $"token {TokenId} expiring {ExpiresAt:O}";
}
