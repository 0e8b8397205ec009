using System.Globalization;
using OpenQA.Selenium;

namespace JwtSessions.AspNetCore.BrowserTests.Support;

/// <summary>
/// The sample's page (samples/MobileBackend/wwwroot) as a user drives it: buttons clicked, the result the page shows read
/// back. The page counts finished calls in <c>#result[data-seq]</c> and describes the last one in <c>data-action</c> and
/// <c>data-status</c>, so a click waits for exactly its own answer.
/// </summary>
internal sealed class SamplePage(HeadlessChromium browser, SampleHost host)
{
    public const string DemoUserName = "demo";
    public const string DemoPassword = "correct horse battery staple";

    public void Open() => browser.GoTo(host.Url("/"));

    /// <summary>Signs in with the page's form; returns the status the sign-in call answered.</summary>
    public PageResult SignIn(string userName = DemoUserName, string password = DemoPassword)
    {
        var driver = browser.Driver;
        var user = driver.FindElement(By.Id("username"));
        user.Clear();
        user.SendKeys(userName);
        driver.FindElement(By.Id("password")).SendKeys(password);
        return Click("signin");
    }

    public PageResult CallMe() => Click("call-me");

    public PageResult CallOrders() => Click("call-orders");

    public PageResult CreateOrder() => Click("create-order");

    public PageResult Refresh() => Click("refresh");

    public PageResult Sessions() => Click("sessions");

    public PageResult LogOut() => Click("logout");

    /// <summary>Whether the page holds an access token in memory (it shows so without showing the token).</summary>
    public string TokenState() => browser.Driver.FindElement(By.Id("token-state")).Text;

    private PageResult Click(string id)
    {
        var driver = browser.Driver;
        var before = Sequence(driver);
        driver.FindElement(By.Id(id)).Click();
        browser.WaitFor(d => Sequence(d) > before ? (object)true : null, $"the page to finish '{id}'");
        var result = driver.FindElement(By.Id("result"));
        return new PageResult(
            result.GetDomAttribute("data-action") ?? string.Empty,
            int.Parse(result.GetDomAttribute("data-status") ?? "0", CultureInfo.InvariantCulture),
            driver.FindElement(By.Id("result-body")).Text);
    }

    private static int Sequence(IWebDriver driver)
        => int.Parse(driver.FindElement(By.Id("result")).GetDomAttribute("data-seq") ?? "0", CultureInfo.InvariantCulture);
}
