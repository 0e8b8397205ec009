using System.Reflection;
using JwtSessions.Sessions;

namespace JwtSessions.Tests.Sessions;

/// <content>
/// The compact form the store holds sessions in (InMemorySessionStore.Entry.cs): every record property survives it, ids
/// held as bytes stay distinct and come back as they were, subjects are shared, and a subject's index keeps its order past
/// the small array.
/// </content>
public sealed partial class InMemorySessionStoreTests
{
    [Test]
    public async Task Entry_EveryRecordProperty_RoundTrips()
    {
        using var store = CreateStore();
        var session = WithEveryPropertySet(Record("s-1", "alice"));

        await store.CreateAsync(session);
        var read = await store.GetAsync("s-1");

        read.Should().NotBeNull();
        foreach (var property in SettableProperties())
        {
            property.GetValue(read).Should().Be(property.GetValue(session), $"{property.Name} goes through both conversions of InMemorySessionStore.Entry");
        }
    }

    [TestCase("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAB")]
    [TestCase("_____________________w", "_____________________-")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAA==")]
    [TestCase("-AAAAAAAAAAAAAAAAAAAAA", "+AAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("_AAAAAAAAAAAAAAAAAAAAA", "/AAAAAAAAAAAAAAAAAAAAA")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAA AAAAAAAAAA")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAA=A")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAA\u00c0")]
    public async Task Create_IdsDecodingToTheSameBytes_KeptApartAndReadBackVerbatim(string canonical, string other)
    {
        using var store = CreateStore();
        await store.CreateAsync(Record(canonical, "alice"));

        await store.CreateAsync(Record(other, "bob"));
        await store.RevokeAsync(other, _time.GetUtcNow(), SessionEndReason.Logout);

        (await store.GetAsync(canonical))!.RevokedAt.Should().BeNull("revoking the other id must not reach this one");
        (await store.GetAsync(other))!.Subject.Should().Be("bob");
        (await store.ListAsync("alice", _time.GetUtcNow())).Select(static s => s.SessionId).Should().Equal(canonical);
    }

    [Test]
    public async Task Create_SessionsOfOneSubject_ShareOneSubjectString()
    {
        using var store = CreateStore();
        await store.CreateAsync(Record("s-1", new string("alice".AsSpan())));
        var second = new string("alice".AsSpan());

        await store.CreateAsync(Record("s-2", second));

        var sessions = await store.ListAsync("alice", _time.GetUtcNow());
        sessions.Should().HaveCount(2);
        ReferenceEquals(sessions[0].Subject, sessions[1].Subject).Should().BeTrue();
        ReferenceEquals(sessions[1].Subject, second).Should().BeFalse("the second session holds the first one's copy");
    }

    [Test]
    public async Task CreateWithCap_MoreSessionsThanTheSmallIndexHolds_EvictsOldestFirst()
    {
        using var store = CreateStore();
        // Ids in the reverse of their creation order, so that only the creation times give the right order.
        var ids = Enumerable.Range(0, 40).Select(static i => $"s-{99 - i:D2}").ToArray();
        var evicted = new List<string>();
        foreach (var id in ids)
        {
            var revocations = await store.CreateWithCapAsync(Record(id, "alice"), maxSessionsPerSubject: 36);
            evicted.AddRange(revocations.Select(static r => r.SessionId));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        evicted.Should().Equal(ids[..4]);
        (await store.ListAsync("alice", _time.GetUtcNow())).Select(static s => s.SessionId).Should().Equal(ids[4..]);
        foreach (var id in ids[4..30])
        {
            await store.RevokeAsync(id, _time.GetUtcNow(), SessionEndReason.Logout);
        }

        (await store.ListAsync("alice", _time.GetUtcNow())).Select(static s => s.SessionId).Should().Equal(ids[30..]);
    }

    private static IEnumerable<PropertyInfo> SettableProperties()
        => typeof(SessionRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.CanWrite);

    /// <summary>
    /// The record with every settable property given a value unlike its default and unlike every other property's, so a
    /// property that one conversion leaves out, or that lands in another's place, reads back wrong.
    /// </summary>
    private static SessionRecord WithEveryPropertySet(SessionRecord record)
    {
        var copy = record with { };
        var n = 0;
        foreach (var property in SettableProperties().Where(static p => p.Name is not nameof(SessionRecord.SessionId) and not nameof(SessionRecord.Subject)))
        {
            n++;
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object value = type switch
            {
                _ when type == typeof(string) => $"value-{n}",
                _ when type == typeof(DateTimeOffset) => record.CreatedAt + TimeSpan.FromMinutes(n),
                _ when type == typeof(long) => (long)n,
                _ when type == typeof(SessionEndReason) => SessionEndReason.SessionLimit,
                _ when type == typeof(SessionMetadata) => new SessionMetadata { DeviceName = $"device-{n}" },
                _ => throw new NotSupportedException($"Give {property.Name} ({type.Name}) a value here."),
            };
            property.SetValue(copy, value);
        }

        return copy;
    }
}
