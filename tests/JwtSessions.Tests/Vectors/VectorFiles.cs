using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace JwtSessions.Tests.Vectors;

/// <summary>
/// Finds the test vectors written outside this project (Wycheproof and the RFC examples, kept in <c>tests/vectors</c>, see its
/// README) and loads them.
/// </summary>
/// <remarks>
/// Lookup: <c>$JWTSESSIONS_VECTORS</c> when set (another copy of the folder, same layout); otherwise walk up from the test
/// assembly to the repository root (the directory holding JwtSessions.sln) and take <c>tests/vectors</c>. When they are missing
/// every vector suite yields one case that fails with <see cref="MissingMessage"/>: a suite that silently runs nothing would
/// look green. A missing file fails the tests that read it, naming the path.
/// </remarks>
internal static class VectorFiles
{
    public const string EnvironmentVariable = "JWTSESSIONS_VECTORS";

    private static readonly Lazy<(string? Directory, string Searched)> s_location = new(Locate);
    private static readonly ConcurrentDictionary<string, JsonNode> s_files = new(StringComparer.Ordinal);

    public static bool ArePresent => s_location.Value.Directory is not null;

    public static string MissingMessage =>
        $"The test vectors were not found (looked in {s_location.Value.Searched}). They are part of the repository "
        + $"(tests/vectors); restore them from git, or set {EnvironmentVariable} to a folder holding wycheproof/ and rfc/.";

    /// <summary>Fails the running test when the vectors are missing.</summary>
    public static void EnsurePresent()
    {
        if (!ArePresent)
        {
            Assert.Fail(MissingMessage);
        }
    }

    /// <summary>The full path of a file under the vectors folder, e.g. <c>wycheproof/hmac_sha256_test.json</c>.</summary>
    public static string PathOf(string relativePath)
    {
        EnsurePresent();
        var path = Path.Combine(s_location.Value.Directory!, relativePath);
        if (!File.Exists(path))
        {
            Assert.Fail($"The test vector file {path} is missing. The vectors are part of the repository (tests/vectors).");
        }

        return path;
    }

    /// <summary>Parses a JSON vector file once per run.</summary>
    public static JsonNode LoadJson(string relativePath)
        => s_files.GetOrAdd(relativePath, static p => JsonNode.Parse(File.ReadAllBytes(PathOf(p)))
            ?? throw new InvalidDataException($"{p} is empty."));

    public static string LoadText(string relativePath) => File.ReadAllText(PathOf(relativePath));

    /// <summary>
    /// The cases of a suite: <paramref name="build"/> when the vectors are present, else a single case named
    /// <c>{suite}_vectorsMissing</c> with a <see langword="null"/> argument, whose test fails in <see cref="EnsurePresent"/>.
    /// </summary>
    public static IEnumerable<TestCaseData> Cases(string suite, Func<IEnumerable<TestCaseData>> build)
    {
        if (!ArePresent)
        {
            return [new TestCaseData(new object?[] { null }).SetName($"{suite}_vectorsMissing")];
        }

        return build();
    }

    private static (string? Directory, string Searched) Locate()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            var full = Path.GetFullPath(fromEnvironment);
            return (Directory.Exists(full) ? full : null, $"{EnvironmentVariable}={full}");
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JwtSessions.sln")))
            {
                var candidate = Path.Combine(directory.FullName, "tests", "vectors");
                return (Directory.Exists(candidate) ? candidate : null, candidate);
            }
        }

        return (null, $"no directory holding JwtSessions.sln above {AppContext.BaseDirectory}");
    }
}
