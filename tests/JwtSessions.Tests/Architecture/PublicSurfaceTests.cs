using System.Reflection;
using System.Runtime.CompilerServices;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Architecture;

/// <summary>Contract checks over the public surface: what reviewers would otherwise have to remember.</summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly s_library = typeof(TokenValidator).Assembly;

    private static IEnumerable<Type> PublicTypes => s_library.GetExportedTypes();

    [Test]
    public void PublicClasses_AreSealedStaticOrDesignedForInheritance()
    {
        // SigningKey's constructor is private protected, so no one outside can derive from it; ExternalSigner is the public
        // extension point for keys in an HSM or KMS (docs/design/signing.md).
        var open = PublicTypes
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract)
            .Select(t => t.FullName)
            .ToList();

        open.Should().BeEmpty();
        typeof(SigningKey).GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Should().OnlyContain(c => c.IsFamilyAndAssembly);
    }

    [Test]
    public void PublicStructs_AreReadOnly()
    {
        var mutable = PublicTypes
            .Where(t => t.IsValueType && !t.IsEnum && t.GetCustomAttribute<IsReadOnlyAttribute>() is null)
            .Select(t => t.FullName)
            .ToList();

        mutable.Should().BeEmpty();
    }

    [Test]
    public void ErrorCodes_AreStableAndUnique()
    {
        var values = Enum.GetValues<TokenValidationError>();

        values.Select(v => v.ToCode()).Should().OnlyHaveUniqueItems().And.NotContain("unknown");
        ((int)TokenValidationError.None).Should().Be(0);
        ((int)TokenValidationError.Expired).Should().Be(13);
        ((int)TokenValidationError.BadSignature).Should().Be(10);
    }

    [Test]
    public void ErrorCodes_AreAllDocumented()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "error-codes.md"));

        foreach (var error in Enum.GetValues<TokenValidationError>())
        {
            docs.Should().Contain($"`{error.ToCode()}`", because: $"{error} must be listed in docs/error-codes.md");
        }
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "JwtSessions.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("JwtSessions.sln not found above the test directory.");
    }
}
