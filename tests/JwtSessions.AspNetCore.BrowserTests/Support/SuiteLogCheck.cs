using JwtSessions.Tests.Support;

// No namespace: NUnit runs a set-up fixture outside every namespace once for the whole assembly.
#pragma warning disable CA1050

/// <summary>
/// After every test of the assembly ran: no log the sample wrote while a browser or a client drove it held a token, a key or
/// a secret (docs/security.md), and the capture saw enough messages to mean it (<see cref="SuiteLogs"/>).
/// </summary>
[SetUpFixture]
public sealed class SuiteLogCheck
{
    /// <summary>
    /// The fewest messages a whole run must write. The two DPoP tests run without a browser and log 32 (hosting and the
    /// library at Trace); the browser tests, which skip without a browser, bring a whole run to about 200.
    /// </summary>
    private const long MinimumMessages = 20;

    [OneTimeTearDown]
    public void NoTokenShapedTextInAnyLog() => SuiteLogs.AssertClean(MinimumMessages);
}
