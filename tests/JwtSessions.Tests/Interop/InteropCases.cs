using JwtSessions.Signing;

namespace JwtSessions.Tests.Interop;

/// <summary>Test cases for interop with Microsoft.IdentityModel 8.23: every algorithm it implements (EdDSA has no case).</summary>
internal static class InteropCases
{
    // Microsoft.IdentityModel 8.23 has no EdDSA: SecurityAlgorithms defines no "EdDSA" constant, no SignatureProvider
    // handles Ed25519, and a JsonWebKey with kty "OKP" cannot be turned into a signing or verification key. Neither
    // direction can interoperate, so EdDSA has no interop case (its own vectors are RFC 8037's and Wycheproof's); every other
    // algorithm must pass both ways.

    public static IEnumerable<TestCaseData> Algorithms()
    {
        foreach (var algorithm in Interoperable)
        {
            yield return new TestCaseData(algorithm).SetArgDisplayNames(algorithm.GetName());
        }
    }

    private static IEnumerable<JwtAlgorithm> Interoperable => JwtAlgorithms.All.Where(static a => a != JwtAlgorithm.EdDSA);

    public static IEnumerable<TestCaseData> AsymmetricAlgorithms()
        => Algorithms().Where(static c => ((JwtAlgorithm)c.Arguments[0]!).GetKeyType() != SigningKeyType.Symmetric);

    public static IEnumerable<TestCaseData> AlgorithmsAndImports()
    {
        foreach (var algorithm in Interoperable)
        {
            foreach (var import in Enum.GetValues<KeyImport>())
            {
                yield return new TestCaseData(algorithm, import).SetArgDisplayNames(algorithm.GetName(), import.ToString());
            }
        }
    }
}
