namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>
/// Where the browser and its driver are, and whether this run must have them (docs/testing.md, "Browser tests").
/// </summary>
/// <remarks>
/// <para><c>JWTSESSIONS_BROWSER</c> decides what a missing browser means:</para>
/// <list type="bullet">
/// <item><c>1</c> (CI sets it, <c>.ci/browser.sh</c>): the browser tests must run; no Chromium or chromedriver is a failure.</item>
/// <item><c>0</c>: the browser tests are skipped even where a browser is installed.</item>
/// <item>unset: they run when Chromium and chromedriver are found, and are skipped (with the reason) when not, so the README's
/// <c>dotnet test</c> passes on a machine with only the .NET SDK.</item>
/// </list>
/// <para>The binaries are <c>JWTSESSIONS_CHROMIUM</c> and <c>JWTSESSIONS_CHROMEDRIVER</c> when set, else the Debian packages'
/// <c>/usr/bin/chromium</c> and <c>/usr/bin/chromedriver</c>, else the first <c>chromium</c>, <c>chromium-browser</c> or
/// <c>google-chrome</c> and the <c>chromedriver</c> found on the <c>PATH</c>.</para>
/// </remarks>
internal static class BrowserEnvironment
{
    public const string ModeVariable = "JWTSESSIONS_BROWSER";
    public const string ChromiumVariable = "JWTSESSIONS_CHROMIUM";
    public const string ChromeDriverVariable = "JWTSESSIONS_CHROMEDRIVER";

    private static readonly string[] s_browserNames = ["chromium", "chromium-browser", "google-chrome"];

    /// <summary>
    /// The browser and driver to use; ends the test as ignored when browser tests are off or nothing is installed and they are
    /// not required, and as failed when they are required and something is missing.
    /// </summary>
    public static (string Browser, string Driver) Require()
    {
        var mode = Environment.GetEnvironmentVariable(ModeVariable)?.Trim();
        if (mode == "0")
        {
            Assert.Ignore($"Browser tests are turned off ({ModeVariable}=0).");
        }

        var browser = Locate(ChromiumVariable, "/usr/bin/chromium", s_browserNames);
        var driver = Locate(ChromeDriverVariable, "/usr/bin/chromedriver", ["chromedriver"]);
        if (browser is not null && driver is not null)
        {
            return (browser, driver);
        }

        var missing = $"Chromium {(browser is null ? "not found" : "at " + browser)}, chromedriver {(driver is null ? "not found" : "at " + driver)} "
            + $"(looked at ${ChromiumVariable}/${ChromeDriverVariable}, /usr/bin and the PATH). Install them with "
            + "`apt-get install -y chromium chromium-driver`.";
        if (mode == "1")
        {
            Assert.Fail($"{ModeVariable}=1 requires the browser tests to run, but: {missing}");
        }

        Assert.Ignore($"Browser tests skipped: {missing} Set {ModeVariable}=1 to make a missing browser a failure (CI does).");
        throw new InvalidOperationException("unreachable");
    }

    private static string? Locate(string variable, string debianPath, string[] names)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        if (File.Exists(debianPath))
        {
            return debianPath;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return names
            .SelectMany(name => path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }
}
