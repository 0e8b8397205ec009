using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using JwtSessions.Tests.Validation;
using JwtSessions.Tests.Vectors;

namespace JwtSessions.Tests.Fuzzing;

/// <summary>
/// Writes the fuzzers' seed inputs drawn from the adversarial corpus and the test vectors, one folder per fuzz target, into
/// <c>$JWTSESSIONS_FUZZ_SEEDS</c> (docs/testing.md, "Seeds"). Explicit: it runs only when asked, to refresh fuzz/corpus:
/// <code>
/// JWTSESSIONS_FUZZ_SEEDS=/tmp/seeds dotnet test tests/JwtSessions.Tests --filter FullyQualifiedName~FuzzSeedExport
/// </code>
/// then <c>FUZZ_MERGE=1 bash .ci/fuzz.sh</c> with the folders copied into fuzz/corpus keeps those that add coverage.
/// </summary>
[Explicit("Writes fuzz seeds to $JWTSESSIONS_FUZZ_SEEDS; run on demand.")]
public sealed class FuzzSeedExport
{
    private const byte InspectMode = 0;
    private const byte VerifyMode = 1;

    [Test]
    public void ExportSeeds_CorpusAndVectors_WritesEveryTargetsFolder()
    {
        var root = Environment.GetEnvironmentVariable("JWTSESSIONS_FUZZ_SEEDS");
        Assert.That(root, Is.Not.Null.And.Not.Empty, "set JWTSESSIONS_FUZZ_SEEDS to the folder to write");
        var seeds = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);

        foreach (var corpusCase in AdversarialCorpus.All)
        {
            AddToken(seeds, corpusCase.Input);
        }

        foreach (var vector in VectorFiles.LoadJson("rfc/rfc-vectors.json").AsArray())
        {
            AddToken(seeds, vector!["token"]!.GetValue<string>());
            Add(seeds, "jwk", Encoding.UTF8.GetBytes(vector["jwk"]!.ToJsonString()));
        }

        foreach (var file in new[] { "wycheproof/json_web_key_test.json", "wycheproof/json_web_signature_test.json" })
        {
            foreach (var group in VectorFiles.LoadJson(file)["testGroups"]!.AsArray())
            {
                foreach (var key in new[] { "private", "public" }.Select(name => group![name]).OfType<JsonObject>())
                {
                    var isSet = key.ContainsKey("keys");
                    Add(seeds, isSet ? "jwks" : "jwk", Encoding.UTF8.GetBytes(key.ToJsonString()));
                    if (isSet)
                    {
                        foreach (var each in key["keys"]!.AsArray())
                        {
                            Add(seeds, "jwk", Encoding.UTF8.GetBytes(each!.ToJsonString()));
                        }
                    }
                }

                foreach (var test in group!["tests"]!.AsArray())
                {
                    if (test!["jws"] is JsonValue jws && jws.TryGetValue<string>(out var token))
                    {
                        AddToken(seeds, token);
                    }
                }
            }
        }

        foreach (var (target, inputs) in seeds)
        {
            var folder = Path.Combine(root!, target);
            Directory.CreateDirectory(folder);
            foreach (var input in inputs)
            {
                var bytes = Convert.FromBase64String(input);
                File.WriteAllBytes(Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]), bytes);
            }
        }

        seeds.Keys.Should().BeEquivalentTo("authorization", "header", "claims", "jwk", "jwks", "cli-token");
        seeds["authorization"].Should().HaveCountGreaterThan(250);
    }

    /// <summary>A token or header value: whole for the parser and the tool, and its decoded header and payload for their readers.</summary>
    private static void AddToken(Dictionary<string, HashSet<string>> seeds, string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);
        Add(seeds, "authorization", bytes);
        Add(seeds, "cli-token", [InspectMode, .. bytes]);
        Add(seeds, "cli-token", [VerifyMode, .. bytes]);
        var segments = input.Split(' ')[^1].Split('.');
        if (segments.Length >= 2)
        {
            AddDecoded(seeds, "header", segments[0]);
            AddDecoded(seeds, "claims", segments[1]);
        }
    }

    private static void AddDecoded(Dictionary<string, HashSet<string>> seeds, string target, string segment)
    {
        if (Base64Url.IsValid(segment))
        {
            Add(seeds, target, Base64Url.DecodeFromChars(segment));
        }
    }

    private static void Add(Dictionary<string, HashSet<string>> seeds, string target, byte[] input)
    {
        if (!seeds.TryGetValue(target, out var set))
        {
            seeds[target] = set = new HashSet<string>(StringComparer.Ordinal);
        }

        set.Add(Convert.ToBase64String(input));
    }
}
