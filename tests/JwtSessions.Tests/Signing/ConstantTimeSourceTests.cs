using System.Text.RegularExpressions;

namespace JwtSessions.Tests.Signing;

/// <summary>
/// RFC 7518 §3.2: "the comparison of the computed HMAC value to the JWS Signature value MUST be done in a constant-time
/// manner". Whether a loop branches on the data is a property of its shape, not of its answers, and timing cannot be
/// asserted reliably in a unit test; so this one test reads the source: <c>ConstantTime.AreEqual</c> reads every byte with
/// no branch on the data but the last (docs/security.md, attack 17 and test bar 6). Everything that can be checked by
/// behaviour is: <see cref="ConstantTimeTests"/> (answers), <see cref="HmacTagComparisonTests"/> (the HMAC verifier and the
/// calls it makes) and <c>SignatureDecisionTests</c> (the validator decides only through the key).
/// </summary>
public sealed class ConstantTimeSourceTests
{
    [Test]
    public void ConstantTimeAreEqual_BranchesOnTheDataOnlyAtTheEnd()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "JwtSessions", "Internal", "ConstantTime.cs"));
        var body = MethodBody(source, "public static bool AreEqual(");

        // One early return, on the lengths (public); the loops only accumulate; the one other return tests the accumulator.
        Regex.Matches(body, @"\breturn\b").Should().HaveCount(2);
        Regex.Matches(body, @"\bif\b").Should().HaveCount(1);
        body.Should().Contain("if (left.Length != right.Length)");
        body.Should().NotContainAny("break", "?", "&&", "||", "SequenceEqual", "while");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "JwtSessions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (JwtSessions.sln) is not above the test directory.");
    }

    /// <summary>The text between the method's opening brace and its matching closing brace.</summary>
    private static string MethodBody(string source, string signature)
    {
        var start = source.IndexOf(signature, StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, "{0} must exist", signature);
        var open = source.IndexOf('{', start);
        var depth = 0;
        for (var i = open; i < source.Length; i++)
        {
            depth += source[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return source[(open + 1)..i];
            }
        }

        throw new FormatException("Unbalanced braces in " + signature);
    }
}
