using System.Reflection;
using JwtSessions.Redis;
using JwtSessions.Testing;
using JwtSessions.Validation;

namespace JwtSessions.Tests.Architecture;

/// <summary>
/// No public type of ours has the simple name of a public type an ASP.NET Core app imports beside ours: such a pair is
/// CS0104 (ambiguous reference) in every file that has both usings (docs/design/api-1.0.md, "Validation API").
/// </summary>
public sealed class PublicTypeNameTests
{
    /// <summary>
    /// Microsoft.IdentityModel (the core package's own dependency), the JwtBearer handler, and the namespaces the Web SDK
    /// imports implicitly (plus authentication, which every API that validates tokens imports).
    /// </summary>
    private static readonly string[] s_theirNamespaces =
    [
        "Microsoft.IdentityModel.Tokens",
        "Microsoft.IdentityModel.JsonWebTokens",
        "System.IdentityModel.Tokens.Jwt",
        "Microsoft.AspNetCore.Builder",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting",
        "Microsoft.Extensions.Logging",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authentication.JwtBearer",
    ];

    private static readonly Assembly[] s_ours =
    [
        typeof(TokenValidator).Assembly,
        typeof(RedisSessionStore).Assembly,
        typeof(SessionStoreConformanceTests).Assembly,
    ];

    private static readonly Lazy<Dictionary<string, string>> s_theirNames = new(TheirPublicTypeNames);

    [Test]
    public void PublicTypes_OfEveryPackage_ClashWithNoTypeAnAspNetCoreAppImports()
    {
        var clashes = s_ours
            .SelectMany(static a => a.GetExportedTypes())
            .Where(static t => !t.IsNested && s_theirNames.Value.ContainsKey(SimpleName(t)))
            .Select(static t => $"{t.FullName} clashes with {s_theirNames.Value[SimpleName(t)]}")
            .ToList();

        clashes.Should().BeEmpty();
    }

    /// <summary>The list the test compares with is real: it holds the clash this test was written for, and one type of each namespace.</summary>
    [TestCase("TokenValidationResult", "Microsoft.IdentityModel.Tokens")]
    [TestCase("JsonWebTokenHandler", "Microsoft.IdentityModel.JsonWebTokens")]
    [TestCase("JwtSecurityToken", "System.IdentityModel.Tokens.Jwt")]
    [TestCase("WebApplication", "Microsoft.AspNetCore.Builder")]
    [TestCase("IWebHostEnvironment", "Microsoft.AspNetCore.Hosting")]
    [TestCase("HttpContext", "Microsoft.AspNetCore.Http")]
    [TestCase("RouteGroupBuilder", "Microsoft.AspNetCore.Routing")]
    [TestCase("IConfiguration", "Microsoft.Extensions.Configuration")]
    [TestCase("IServiceCollection", "Microsoft.Extensions.DependencyInjection")]
    [TestCase("IHost", "Microsoft.Extensions.Hosting")]
    [TestCase("ILogger", "Microsoft.Extensions.Logging")]
    [TestCase("AuthenticationScheme", "Microsoft.AspNetCore.Authentication")]
    [TestCase("JwtBearerOptions", "Microsoft.AspNetCore.Authentication.JwtBearer")]
    public void TheirPublicTypeNames_HoldAKnownTypeOfEachNamespace(string name, string ns)
        => s_theirNames.Value.Should().ContainKey(name).WhoseValue.Should().Contain(ns + "." + name);

    private static Dictionary<string, string> TheirPublicTypeNames()
    {
        // The IdentityModel and JwtBearer packages are referenced; the ASP.NET Core and Extensions namespaces are spread over
        // the assemblies of the shared frameworks the test runs on, so every assembly there is read.
        var anchors = new[]
        {
            typeof(Microsoft.IdentityModel.Tokens.TokenValidationResult).Assembly,
            typeof(Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler).Assembly,
            typeof(System.IdentityModel.Tokens.Jwt.JwtSecurityTokenHandler).Assembly,
            typeof(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions).Assembly,
        };
        var frameworkDirectories = new[]
        {
            Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Builder.WebApplication).Assembly.Location)!,
            Path.GetDirectoryName(typeof(object).Assembly.Location)!,
        };
        var framework = frameworkDirectories
            .SelectMany(static d => Directory.EnumerateFiles(d, "Microsoft.*.dll"))
            .Select(TryLoad)
            .OfType<Assembly>();

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in anchors.Concat(framework).Distinct().SelectMany(SafeExportedTypes))
        {
            if (!type.IsNested && type.Namespace is { } ns && s_theirNamespaces.Contains(ns, StringComparer.Ordinal))
            {
                var name = SimpleName(type);
                names[name] = names.TryGetValue(name, out var seen) ? seen + ", " + type.FullName : type.FullName!;
            }
        }

        return names;
    }

    private static Assembly? TryLoad(string path)
    {
        try
        {
            return Assembly.Load(AssemblyName.GetAssemblyName(path));
        }
        catch (BadImageFormatException)
        {
            return null; // a native library with a managed-looking name
        }
        catch (FileLoadException)
        {
            return null;
        }
    }

    private static IEnumerable<Type> SafeExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>().Where(static t => t.IsPublic);
        }
    }

    /// <summary>The name as written in C#: <c>Foo`1</c> is <c>Foo&lt;T&gt;</c>, which clashes with <c>Foo</c>'s other arities only in some positions; count it.</summary>
    private static string SimpleName(Type type)
    {
        var tick = type.Name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? type.Name : type.Name[..tick];
    }
}
