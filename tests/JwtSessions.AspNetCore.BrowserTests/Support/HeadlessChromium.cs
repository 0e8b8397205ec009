using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>
/// A headless Chromium driven through chromedriver, with a fresh profile (no cookies) that is deleted on dispose, and the
/// cookie jar read through the DevTools protocol: what the browser really stored, flags included, which
/// <c>document.cookie</c> cannot show (it hides HttpOnly cookies).
/// </summary>
internal sealed class HeadlessChromium : IDisposable
{
    /// <summary>How long a page action may take on a loaded CI machine before the test fails.</summary>
    public static readonly TimeSpan ActionTimeout = TimeSpan.FromSeconds(30);

    private readonly ChromeDriver _driver;
    private readonly string _profile;

    private HeadlessChromium(ChromeDriver driver, string profile)
    {
        _driver = driver;
        _profile = profile;
    }

    public IWebDriver Driver => _driver;

    /// <summary>Starts the browser (<see cref="BrowserEnvironment.Require"/> decides whether a missing one fails or skips).</summary>
    public static HeadlessChromium Start()
    {
        var (browser, driverPath) = BrowserEnvironment.Require();
        var profile = Directory.CreateTempSubdirectory("jwtsessions-chromium-").FullName;
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments(
            "--headless=new",
            // Root in CI containers: Chromium's sandbox cannot start there.
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--user-data-dir=" + profile);
        try
        {
            var driver = new ChromeDriver(service, options, ActionTimeout);
            driver.Manage().Timeouts().PageLoad = ActionTimeout;
            driver.Manage().Timeouts().AsynchronousJavaScript = ActionTimeout;
            return new HeadlessChromium(driver, profile);
        }
        catch
        {
            service.Dispose();
            TryDelete(profile);
            throw;
        }
    }

    public void GoTo(Uri url) => _driver.Navigate().GoToUrl(url);

    /// <summary>Every cookie the browser holds, whatever its domain, flags included (<c>Network.getAllCookies</c>).</summary>
    public IReadOnlyList<BrowserCookie> Cookies()
    {
        var reply = _driver.ExecuteCdpCommand("Network.getAllCookies", []) as Dictionary<string, object>
            ?? throw new InvalidOperationException("Network.getAllCookies answered nothing.");
        return [.. ((IEnumerable<object>)reply["cookies"]).Cast<Dictionary<string, object>>().Select(BrowserCookie.FromDevTools)];
    }

    /// <summary>Runs <paramref name="script"/> in the current page and returns its value.</summary>
    public object? Script(string script) => _driver.ExecuteScript(script);

    /// <summary>
    /// Sends a request with <c>fetch</c> from the current page (its origin, its cookies), as a script on the page would; returns
    /// the status (0 when the request failed) and the body.
    /// </summary>
    public PageResult FetchFromPage(string method, string path, IReadOnlyDictionary<string, string> headers)
    {
        var reply = _driver.ExecuteAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], { method: arguments[1], headers: arguments[2], credentials: 'same-origin' })
              .then(async r => done([r.status, await r.text()]))
              .catch(e => done([0, e.name]));
            """,
            path,
            method,
            headers) as IReadOnlyList<object> ?? throw new InvalidOperationException("The page's fetch answered nothing.");
        return new PageResult(method + " " + path, Convert.ToInt32(reply[0], CultureInfo.InvariantCulture), (string)reply[1]);
    }

    /// <summary>The browser's own clock, in seconds since 1970 (cookie expiry is on this clock, not the server's).</summary>
    public double NowSeconds() => Convert.ToDouble(Script("return Date.now() / 1000;"), CultureInfo.InvariantCulture);

    /// <summary>What the page's scripts can read as <c>document.cookie</c>.</summary>
    public string DocumentCookie() => Script("return document.cookie;") as string ?? string.Empty;

    /// <summary>Waits until <paramref name="condition"/> returns a value, failing the test with <paramref name="what"/> on timeout.</summary>
    public T WaitFor<T>(Func<IWebDriver, T?> condition, string what)
        where T : class
    {
        var wait = new WebDriverWait(_driver, ActionTimeout) { Message = "Timed out waiting for " + what };
        return wait.Until(condition) ?? throw new InvalidOperationException("Timed out waiting for " + what);
    }

    public void Dispose()
    {
        _driver.Quit();
        _driver.Dispose();
        TryDelete(_profile);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's last writes can race the delete; a leftover temporary profile is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
