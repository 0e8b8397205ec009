using JwtSessions.Redis.Tests.Support;

// No namespace: NUnit runs a set-up fixture outside every namespace once for the whole assembly.
#pragma warning disable CA1050

/// <summary>Starts the shared server before the suite (unless one is given), names it in the log, and stops it at the end.</summary>
[SetUpFixture]
public sealed class SharedServerFixture
{
    [OneTimeSetUp]
    public async Task StartAsync()
    {
        await RedisTestEnvironment.StartSharedServerAsync();
        TestContext.Progress.WriteLine($"Redis store tests against {RedisTestEnvironment.Description}.");
    }

    [OneTimeTearDown]
    public Task StopAsync() => RedisTestEnvironment.StopSharedServerAsync();
}
