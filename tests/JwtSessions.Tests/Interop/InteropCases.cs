using JwtSessions.Signing;

namespace JwtSessions.Tests.Interop;

/// <summary>Test cases for interop with Microsoft.IdentityModel 8.23: every algorithm it implements, EdDSA skipped with the reason.</summary>
internal static class InteropCases
{
    // Microsoft.IdentityModel 8.23 has no EdDSA: SecurityAlgorithms defines no "EdDSA" constant, no SignatureProvider
    // handles Ed25519, and a JsonWebKey with kty "OKP" cannot be turned into a signing or verification key. Neither
    // direction can interoperate, so only that case is skipped; every other algorithm must pass both ways.
    public const string EdDsaUnsupported =
        "Microsoft.IdentityModel 8.23 does not implement EdDSA/Ed25519 (no SecurityAlgorithms constant, no OKP JsonWebKey support).";

    public static IEnumerable<TestCaseData> Algorithms()
    {
        foreach (var algorithm in JwtAlgorithms.All)
        {
            var data = new TestCaseData(algorithm).SetArgDisplayNames(algorithm.GetName());
            yield return algorithm == JwtAlgorithm.EdDSA ? data.Ignore(EdDsaUnsupported) : data;
        }
    }

    public static IEnumerable<TestCaseData> AsymmetricAlgorithms()
        => Algorithms().Where(static c => ((JwtAlgorithm)c.Arguments[0]!).GetKeyType() != SigningKeyType.Symmetric);

    public static IEnumerable<TestCaseData> AlgorithmsAndImports()
    {
        foreach (var algorithm in JwtAlgorithms.All)
        {
            foreach (var import in Enum.GetValues<KeyImport>())
            {
                var data = new TestCaseData(algorithm, import).SetArgDisplayNames(algorithm.GetName(), import.ToString());
                yield return algorithm == JwtAlgorithm.EdDSA ? data.Ignore(EdDsaUnsupported) : data;
            }
        }
    }
}
