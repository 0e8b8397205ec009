using JwtSessions.Signing;

namespace JwtSessions.Tests.Support;

/// <summary>One generated key per algorithm, shared across tests (key generation is slow for RSA).</summary>
internal static class TestKeys
{
    private static readonly Dictionary<JwtAlgorithm, SigningKey> s_keys =
        JwtAlgorithms.All.ToDictionary(static a => a, static a => SigningKey.Generate(a, $"test-{a.GetName()}"));

    public static SigningKey For(JwtAlgorithm algorithm) => s_keys[algorithm];

    public static SigningKey Hs256 => For(JwtAlgorithm.HS256);

    public static SigningKey Es256 => For(JwtAlgorithm.ES256);

    public static SigningKey Rs256 => For(JwtAlgorithm.RS256);

    public static IEnumerable<JwtAlgorithm> AllAlgorithms => JwtAlgorithms.All;
}
