using JwtSessions.Fuzz.Targets;

namespace JwtSessions.Fuzz;

/// <summary>Every fuzz target by name; .ci/fuzz.sh runs each one, and each has its corpus in fuzz/corpus/NAME.</summary>
/// <remarks>
/// Targets are made only when asked for: under libFuzzer the instrumented assemblies may run no code before
/// <c>Fuzzer.LibFuzzer.Run</c> has attached the coverage map.
/// </remarks>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("authorization", "Authorization header value and bare compact JWS, every overload", static () => new AuthorizationTarget()),
        new("header", "JOSE header reader, then the whole validator on a token signed over it", static () => new HeaderTarget()),
        new("claims", "flat payload scanner against the Utf8JsonReader claims reader, then the validator on a signed token", static () => new ClaimsTarget()),
        new("jwk", "SigningKey.FromJwk: key rules, private material, export round trip", static () => new JwkTarget()),
        new("jwks", "KeyRing.FromJwks: set rules, per-key oracles, export round trip", static () => new JwksTarget()),
        new("cli-token", "jwtsessions inspect/verify reading the token from standard input", static () => new CliTokenTarget()),
        new("dpop-proof", "DpopProofValidator on a DPoP header value: no escaped exception, accepted proofs typed, public-keyed, thumbprinted", static () => new DpopProofTarget()),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
