using System.Collections.Concurrent;
using JwtSessions.Signing;

namespace JwtSessions.Cli.Tests.Support;

/// <summary>One generated key per algorithm, made on first use and shared across tests (RSA generation is slow).</summary>
internal static class TestKeys
{
    private static readonly ConcurrentDictionary<JwtAlgorithm, SigningKey> s_keys = new();

    public static SigningKey For(JwtAlgorithm algorithm)
        => s_keys.GetOrAdd(algorithm, static a => SigningKey.Generate(a, $"test-{a.GetName()}"));

    public static SigningKey Es256 => For(JwtAlgorithm.ES256);

    public static SigningKey Hs256 => For(JwtAlgorithm.HS256);

    public static IEnumerable<JwtAlgorithm> AllAlgorithms => JwtAlgorithms.All;

    public static IEnumerable<JwtAlgorithm> AsymmetricAlgorithms
        => JwtAlgorithms.All.Where(static a => !a.GetName().StartsWith("HS", StringComparison.Ordinal));
}
