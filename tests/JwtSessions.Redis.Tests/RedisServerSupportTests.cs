using JwtSessions.Redis.Tests.Support;
using JwtSessions.Sessions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace JwtSessions.Redis.Tests;

/// <summary>
/// Servers that cannot hold the store are refused: Garnet without Lua transactions runs the store's scripts interleaved with
/// other clients' commands, so two refreshes of one token could both rotate it. The store finds out by probing, and refuses.
/// </summary>
public sealed class RedisServerSupportTests
{
    private readonly FakeTimeProvider _time = new(TestManagers.Start);

    [Test]
    public async Task ConnectAsync_GarnetWithoutLuaTransactions_ThrowsNotSupported()
    {
        await using var garnet = await RedisServerProcess.StartAsync(TestServerKind.GarnetWithoutLuaTransactions);

        var connect = () => RedisTestEnvironment.ConnectStoreAsync(garnet.Address, RedisTestEnvironment.NewPrefix(), _time);

        (await connect.Should().ThrowAsync<NotSupportedException>())
            .WithMessage("*runs Lua scripts without transactions*--lua-transaction-mode true*");
    }

    [Test]
    public async Task CreateAsync_OnAConnectionToGarnetWithoutLuaTransactions_FailsClosedAndWritesNothing()
    {
        await using var garnet = await RedisServerProcess.StartAsync(TestServerKind.GarnetWithoutLuaTransactions);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(RedisTestEnvironment.Configuration(garnet.Address));
        var prefix = RedisTestEnvironment.NewPrefix();
        await using var store = new RedisSessionStore(connection, new RedisSessionStoreOptions { KeyPrefix = prefix, TimeProvider = _time });

        var create = async () => await store.CreateAsync(Session("alice"));

        (await create.Should().ThrowAsync<SessionStoreUnavailableException>())
            .WithInnerException<NotSupportedException>().WithMessage("*--lua-transaction-mode true*");
        (await create.Should().ThrowAsync<SessionStoreUnavailableException>("the refusal stands for the connection"))
            .WithInnerException<NotSupportedException>();
        var keys = await connection.GetServers()[0].KeysAsync(pattern: prefix + "*").ToListAsync();
        keys.Should().BeEmpty();
    }

    [Test]
    public async Task CreateAsync_OnGarnetWithLuaTransactions_Succeeds()
    {
        await using var garnet = await RedisServerProcess.StartAsync(TestServerKind.Garnet);
        await using var store = await RedisTestEnvironment.ConnectStoreAsync(garnet.Address, RedisTestEnvironment.NewPrefix(), _time);
        var session = Session("alice");

        await store.CreateAsync(session);

        (await store.GetAsync(session.SessionId))!.Subject.Should().Be("alice");
    }

    private SessionRecord Session(string subject)
    {
        var now = _time.GetUtcNow();
        return new SessionRecord
        {
            SessionId = Guid.NewGuid().ToString("N"),
            Subject = subject,
            CreatedAt = now,
            AbsoluteExpiresAt = now + TimeSpan.FromDays(1),
            IdleExpiresAt = now + TimeSpan.FromHours(1),
            RotatedAt = now,
        };
    }
}
