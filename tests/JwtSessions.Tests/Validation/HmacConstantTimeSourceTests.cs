using System.Text.RegularExpressions;

namespace JwtSessions.Tests.Validation;

/// <summary>
/// RFC 7518 §3.2: "the comparison of the computed HMAC value to the JWS Signature value MUST be done in a constant-time
/// manner". Timing cannot be asserted reliably in a unit test, so this pins the source: the HMAC verifier compares
/// through <c>ConstantTime.AreEqual</c> and through nothing else, and that comparison reads every byte with no branch on the
/// data but the last (docs/security.md, attack 17 and test bar 6). <see cref="Signing.ConstantTimeTests"/> checks its results.
/// </summary>
public sealed class HmacConstantTimeSourceTests
{
    [Test]
    public void HmacVerifySignature_ComparesTagsInConstantTime()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "JwtSessions", "Signing", "HmacSigningKey.cs"));
        var body = MethodBody(source, "internal override bool VerifySignature(");

        Regex.IsMatch(body, @"ConstantTime\.AreEqual\(\s*expected\b[^;]*,\s*signature\s*\)").Should().BeTrue(body);
        body.Should().NotContainAny("SequenceEqual", "SequenceCompareTo", ".Equals(", "CompareTo", "Convert.ToBase64", "Base64");
        Regex.Matches(body, @"\breturn\b").Should().HaveCount(1, "a single return keeps the comparison the last step");
    }

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

    [Test]
    public void Library_ComparesNoSignatureOutsideTheKeyTypes()
    {
        // The validator hands the decoded signature to SigningKey.VerifySignature and never compares it itself.
        var validation = Path.Combine(RepositoryRoot(), "src", "JwtSessions", "Validation");
        foreach (var file in Directory.EnumerateFiles(validation, "*.cs"))
        {
            var text = File.ReadAllText(file);
            Regex.IsMatch(text, @"signature\w*\.SequenceEqual|SequenceEqual\(\s*signature", RegexOptions.IgnoreCase).Should().BeFalse(file);
        }
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
