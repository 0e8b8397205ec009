using JwtSessions.Sessions;
using JwtSessions.Testing;

namespace JwtSessions.Tests.Sessions;

[TestFixture]
public sealed class InMemorySessionStoreConformanceTests : SessionStoreConformanceTests
{
    protected override ValueTask<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
        => ValueTask.FromResult<ISessionStore>(new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = timeProvider }));

    protected override ValueTask<ISessionStore?> CreateStoreWithTombstoneBoundAsync(TimeProvider timeProvider, int maxTombstones)
        => ValueTask.FromResult<ISessionStore?>(
            new InMemorySessionStore(new InMemorySessionStoreOptions { TimeProvider = timeProvider, MaxTombstones = maxTombstones }));
}
