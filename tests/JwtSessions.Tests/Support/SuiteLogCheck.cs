using JwtSessions.Tests.Support;

// No namespace: NUnit runs a set-up fixture outside every namespace once for the whole assembly.
#pragma warning disable CA1050

/// <summary>
/// After every test of the assembly ran: no log any test wrote held a token, a key or a secret (docs/security.md), and the
/// capture saw enough messages to mean it (<see cref="SuiteLogs"/>).
/// </summary>
[SetUpFixture]
public sealed class SuiteLogCheck
{
    /// <summary>
    /// The fewest messages a whole run of this assembly must write. 4,005,384 were measured, most of them from the
    /// million-sign-in floods; the floor sits far below, so only a capture that lost the suite's loggers fails it.
    /// </summary>
    private const long MinimumMessages = 10_000;

    [OneTimeTearDown]
    public void NoTokenShapedTextInAnyLog() => SuiteLogs.AssertClean(MinimumMessages);
}
