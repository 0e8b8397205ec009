using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace JwtSessions.Signing;

/// <summary>
/// Names and properties of <see cref="JwtAlgorithm"/> values.
/// </summary>
/// <threadsafety>All members are static and thread-safe.</threadsafety>
public static class JwtAlgorithms
{
    /// <summary>Every supported algorithm, in declaration order.</summary>
    public static IReadOnlyList<JwtAlgorithm> All { get; } = Enum.GetValues<JwtAlgorithm>();

    /// <summary>Gets the JWA name of <paramref name="algorithm"/>, for example <c>"ES256"</c>.</summary>
    /// <param name="algorithm">The algorithm.</param>
    /// <returns>The registered JWA name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not a defined value.</exception>
    public static string GetName(this JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.HS256 => "HS256",
        JwtAlgorithm.HS384 => "HS384",
        JwtAlgorithm.HS512 => "HS512",
        JwtAlgorithm.RS256 => "RS256",
        JwtAlgorithm.RS384 => "RS384",
        JwtAlgorithm.RS512 => "RS512",
        JwtAlgorithm.PS256 => "PS256",
        JwtAlgorithm.PS384 => "PS384",
        JwtAlgorithm.PS512 => "PS512",
        JwtAlgorithm.ES256 => "ES256",
        JwtAlgorithm.ES384 => "ES384",
        JwtAlgorithm.ES512 => "ES512",
        JwtAlgorithm.EdDSA => "EdDSA",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown JWS algorithm."),
    };

    /// <summary>
    /// Parses a JWA name with an exact, case-sensitive match (RFC 7515 §4.1.1). <c>none</c> is never recognised.
    /// </summary>
    /// <param name="name">The name, for example <c>"HS256"</c>.</param>
    /// <param name="algorithm">The algorithm when the name is recognised.</param>
    /// <returns><see langword="true"/> when <paramref name="name"/> names a supported algorithm.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, out JwtAlgorithm algorithm)
    {
        algorithm = name switch
        {
            "HS256" => JwtAlgorithm.HS256,
            "HS384" => JwtAlgorithm.HS384,
            "HS512" => JwtAlgorithm.HS512,
            "RS256" => JwtAlgorithm.RS256,
            "RS384" => JwtAlgorithm.RS384,
            "RS512" => JwtAlgorithm.RS512,
            "PS256" => JwtAlgorithm.PS256,
            "PS384" => JwtAlgorithm.PS384,
            "PS512" => JwtAlgorithm.PS512,
            "ES256" => JwtAlgorithm.ES256,
            "ES384" => JwtAlgorithm.ES384,
            "ES512" => JwtAlgorithm.ES512,
            "EdDSA" => JwtAlgorithm.EdDSA,
            _ => 0,
        };
        return algorithm != 0;
    }

    internal static bool TryParseUtf8(ReadOnlySpan<byte> name, out JwtAlgorithm algorithm)
    {
        algorithm = name switch
        {
            _ when name.SequenceEqual("HS256"u8) => JwtAlgorithm.HS256,
            _ when name.SequenceEqual("HS384"u8) => JwtAlgorithm.HS384,
            _ when name.SequenceEqual("HS512"u8) => JwtAlgorithm.HS512,
            _ when name.SequenceEqual("RS256"u8) => JwtAlgorithm.RS256,
            _ when name.SequenceEqual("RS384"u8) => JwtAlgorithm.RS384,
            _ when name.SequenceEqual("RS512"u8) => JwtAlgorithm.RS512,
            _ when name.SequenceEqual("PS256"u8) => JwtAlgorithm.PS256,
            _ when name.SequenceEqual("PS384"u8) => JwtAlgorithm.PS384,
            _ when name.SequenceEqual("PS512"u8) => JwtAlgorithm.PS512,
            _ when name.SequenceEqual("ES256"u8) => JwtAlgorithm.ES256,
            _ when name.SequenceEqual("ES384"u8) => JwtAlgorithm.ES384,
            _ when name.SequenceEqual("ES512"u8) => JwtAlgorithm.ES512,
            _ when name.SequenceEqual("EdDSA"u8) => JwtAlgorithm.EdDSA,
            _ => 0,
        };
        return algorithm != 0;
    }

    internal static HashAlgorithmName GetHashAlgorithm(this JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.HS256 or JwtAlgorithm.RS256 or JwtAlgorithm.PS256 or JwtAlgorithm.ES256 => HashAlgorithmName.SHA256,
        JwtAlgorithm.HS384 or JwtAlgorithm.RS384 or JwtAlgorithm.PS384 or JwtAlgorithm.ES384 => HashAlgorithmName.SHA384,
        JwtAlgorithm.HS512 or JwtAlgorithm.RS512 or JwtAlgorithm.PS512 or JwtAlgorithm.ES512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "The algorithm has no separate hash function."),
    };

    internal static int GetHashSizeInBytes(this JwtAlgorithm algorithm) => algorithm.GetHashAlgorithm().Name switch
    {
        "SHA256" => 32,
        "SHA384" => 48,
        _ => 64,
    };

    internal static SigningKeyType GetKeyType(this JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.HS256 or JwtAlgorithm.HS384 or JwtAlgorithm.HS512 => SigningKeyType.Symmetric,
        JwtAlgorithm.RS256 or JwtAlgorithm.RS384 or JwtAlgorithm.RS512
            or JwtAlgorithm.PS256 or JwtAlgorithm.PS384 or JwtAlgorithm.PS512 => SigningKeyType.Rsa,
        JwtAlgorithm.ES256 or JwtAlgorithm.ES384 or JwtAlgorithm.ES512 => SigningKeyType.EllipticCurve,
        JwtAlgorithm.EdDSA => SigningKeyType.OctetKeyPair,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown JWS algorithm."),
    };
}
