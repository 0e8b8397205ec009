namespace JwtSessions.Tests.Interop;

/// <summary>How a Microsoft.IdentityModel key is brought into JwtSessions.</summary>
public enum KeyImport
{
    /// <summary><c>SigningKey.FromSecurityKey</c> on the native key (SymmetricSecurityKey, RsaSecurityKey, ECDsaSecurityKey).</summary>
    SecurityKey = 1,

    /// <summary><c>SigningKey.FromJsonWebKey</c> on the key converted by <c>JsonWebKeyConverter</c>.</summary>
    JsonWebKey,
}
