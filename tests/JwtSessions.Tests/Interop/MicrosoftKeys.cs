using System.Security.Cryptography;
using JwtSessions.Signing;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Interop;

/// <summary>
/// Key material made by Microsoft.IdentityModel's own types, one per algorithm (RSA shared: generation is slow), so tokens it
/// mints are signed by keys JwtSessions never generated.
/// </summary>
internal static class MicrosoftKeys
{
    private static readonly RSA s_rsa = RSA.Create(2048);

    private static readonly Dictionary<JwtAlgorithm, SecurityKey> s_signing = JwtAlgorithms.All
        .Where(static a => a != JwtAlgorithm.EdDSA)
        .ToDictionary(static a => a, CreateSigningKey);

    /// <summary>The key Microsoft signs with: secret or private.</summary>
    public static SecurityKey Signing(JwtAlgorithm algorithm) => s_signing[algorithm];

    /// <summary>What a verifier gets: the same secret for HMAC, a fresh public-only key object otherwise.</summary>
    public static SecurityKey Verification(JwtAlgorithm algorithm) => s_signing[algorithm] switch
    {
        RsaSecurityKey rsa => new RsaSecurityKey(rsa.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = rsa.KeyId },
        ECDsaSecurityKey ec => new ECDsaSecurityKey(PublicEcdsa(ec.ECDsa)) { KeyId = ec.KeyId },
        var symmetric => symmetric,
    };

    private static SecurityKey CreateSigningKey(JwtAlgorithm algorithm) => algorithm.GetKeyType() switch
    {
        SigningKeyType.Symmetric => new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(algorithm.GetHashSizeInBytes()))
        {
            KeyId = $"ms-{algorithm.GetName()}",
        },
        SigningKeyType.Rsa => new RsaSecurityKey(s_rsa) { KeyId = "ms-rsa" },
        _ => new ECDsaSecurityKey(ECDsa.Create(EcdsaSigningKey.CurveOf(algorithm))) { KeyId = $"ms-{algorithm.GetName()}" },
    };

    private static ECDsa PublicEcdsa(ECDsa ecdsa)
    {
        var publicOnly = ECDsa.Create();
        publicOnly.ImportParameters(ecdsa.ExportParameters(includePrivateParameters: false));
        return publicOnly;
    }
}
