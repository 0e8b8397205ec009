namespace JwtSessions.Issuance;

/// <summary>A freshly minted token with the values a caller needs without parsing it.</summary>
/// <param name="Token">The compact JWS.</param>
/// <param name="TokenId">Its <c>jti</c>.</param>
/// <param name="IssuedAt">Its <c>iat</c> (and <c>nbf</c>).</param>
/// <param name="ExpiresAt">Its <c>exp</c>.</param>
public sealed record IssuedToken(string Token, string TokenId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    /// <inheritdoc />
    public override string ToString() => $"token {TokenId} expiring {ExpiresAt:O}";
}
