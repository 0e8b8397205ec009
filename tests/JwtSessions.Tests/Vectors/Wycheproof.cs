using System.Text;
using System.Text.Json.Nodes;

namespace JwtSessions.Tests.Vectors;

/// <summary>Streams the tests of a Wycheproof file (<c>tests/vectors/wycheproof/</c>) as NUnit cases, one per <c>tcId</c>.</summary>
internal static class Wycheproof
{
    public static IEnumerable<TestCaseData> Cases(string suite, string file, Func<WycheproofVector, bool>? where = null)
        => VectorFiles.Cases(suite, () => Stream(suite, file, where));

    public static IEnumerable<WycheproofVector> Vectors(string suite, string file)
    {
        var root = VectorFiles.LoadJson("wycheproof/" + file);
        foreach (var group in root["testGroups"]!.AsArray())
        {
            foreach (var test in group!["tests"]!.AsArray())
            {
                yield return new WycheproofVector(suite, group.AsObject(), test!.AsObject());
            }
        }
    }

    /// <summary>The file's own count of its tests, to prove that no case was dropped.</summary>
    public static int DeclaredCount(string file) => (int)VectorFiles.LoadJson("wycheproof/" + file)["numberOfTests"]!;

    /// <summary>A test-name fragment from a free-text comment: words joined, later words capitalized, at most 60 characters.</summary>
    public static string Identifier(string text)
    {
        var builder = new StringBuilder(text.Length);
        var upperNext = false;
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                upperNext = builder.Length > 0;
                continue;
            }

            builder.Append(upperNext ? char.ToUpperInvariant(c) : c);
            upperNext = false;
        }

        return builder.Length > 60 ? builder.ToString(0, 60) : builder.ToString();
    }

    private static IEnumerable<TestCaseData> Stream(string suite, string file, Func<WycheproofVector, bool>? where)
    {
        foreach (var vector in Vectors(suite, file))
        {
            if (where is null || where(vector))
            {
                yield return new TestCaseData(vector).SetName(vector.Name);
            }
        }
    }
}
