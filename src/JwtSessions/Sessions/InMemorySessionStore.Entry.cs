namespace JwtSessions.Sessions;

/// <content>
/// How the store holds a session: an <see cref="Entry"/>, converted from and to the public <see cref="SessionRecord"/> at the
/// store's boundary only (<see cref="Entry.From"/> on the way in, <see cref="Entry.ToRecord"/> on the way out).
/// </content>
/// <remarks>
/// A new <see cref="SessionRecord"/> property goes into both conversions here, and nowhere else in the store: into
/// <see cref="Entry"/> itself when every session has a value (it then costs every session its size), or into
/// <see cref="Extras"/> when it is usually absent. <c>InMemorySessionStoreTests.Entry_EveryRecordProperty_RoundTrips</c> fails
/// for a property left out. New <see cref="SessionMetadata"/> properties need nothing: the store keeps the metadata instance.
/// </remarks>
public sealed partial class InMemorySessionStore
{
    /// <summary>
    /// One session, 56 bytes held inline in the dictionary's node (no object of its own): the times as UTC ticks, the subject
    /// as the one string its subject index shares among the subject's sessions, and everything a session usually lacks in
    /// <see cref="Extras"/>, null when it lacks all of it.
    /// </summary>
    /// <remarks>Immutable: a rotation or revocation replaces the whole entry through the dictionary's compare-and-swap.</remarks>
    private readonly struct Entry : IEquatable<Entry>
    {
        private readonly Extras? _extras;

        private Entry(SessionRecord record, string subject, Extras? extras)
        {
            Subject = subject;
            CreatedAt = record.CreatedAt.UtcTicks;
            AbsoluteExpiresAt = record.AbsoluteExpiresAt.UtcTicks;
            IdleExpiresAt = record.IdleExpiresAt.UtcTicks;
            RotatedAt = record.RotatedAt.UtcTicks;
            Generation = record.Generation;
            _extras = extras;
        }

        public string Subject { get; }

        public long CreatedAt { get; }

        public long AbsoluteExpiresAt { get; }

        public long IdleExpiresAt { get; }

        public long RotatedAt { get; }

        public long Generation { get; }

        public bool IsRevoked => _extras?.RevokedAt is not null;

        /// <summary>Gets the earlier deadline, as <see cref="SessionRecord.ExpiresAt"/>.</summary>
        public long ExpiresAt => Math.Min(IdleExpiresAt, AbsoluteExpiresAt);

        /// <summary>Holds <paramref name="record"/> (its id is the dictionary's key), with <paramref name="subject"/>, an equal string, in place of its own.</summary>
        public static Entry From(SessionRecord record, string subject)
        {
            var empty = record.Scope is null && record.ClientId is null && ReferenceEquals(record.Metadata, SessionMetadata.Empty)
                && record.RevokedAt is null && record.RevocationReason is null && record.KeyThumbprint is null;
            return new Entry(record, subject, empty ? null : new Extras
            {
                Scope = record.Scope,
                ClientId = record.ClientId,
                Metadata = record.Metadata,
                RevokedAt = record.RevokedAt,
                RevocationReason = record.RevocationReason,
                KeyThumbprint = record.KeyThumbprint,
            });
        }

        /// <summary>The public record, with <paramref name="sessionId"/> (the id this entry is held under). Times come back in UTC.</summary>
        public SessionRecord ToRecord(string sessionId) => new()
        {
            SessionId = sessionId,
            Subject = Subject,
            CreatedAt = Utc(CreatedAt),
            AbsoluteExpiresAt = Utc(AbsoluteExpiresAt),
            IdleExpiresAt = Utc(IdleExpiresAt),
            Generation = Generation,
            RotatedAt = Utc(RotatedAt),
            RevokedAt = _extras?.RevokedAt,
            RevocationReason = _extras?.RevocationReason,
            Scope = _extras?.Scope,
            ClientId = _extras?.ClientId,
            Metadata = _extras?.Metadata ?? SessionMetadata.Empty,
            KeyThumbprint = _extras?.KeyThumbprint,
        };

        public bool IsActiveAt(long now) => !IsRevoked && now < ExpiresAt;

        // The subject and the extras by reference: an entry is only ever compared with one read from the dictionary.
        public bool Equals(Entry other)
            => ReferenceEquals(Subject, other.Subject) && ReferenceEquals(_extras, other._extras) && CreatedAt == other.CreatedAt
                && AbsoluteExpiresAt == other.AbsoluteExpiresAt && IdleExpiresAt == other.IdleExpiresAt && RotatedAt == other.RotatedAt
                && Generation == other.Generation;

        public override bool Equals(object? obj) => obj is Entry other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(Subject, CreatedAt, Generation);

        private static DateTimeOffset Utc(long ticks) => new(ticks, TimeSpan.Zero);
    }

    /// <summary>What a session usually lacks: scopes, client id, metadata, a DPoP key thumbprint, and (tombstones only) the revocation.</summary>
    private sealed class Extras
    {
        public string? Scope { get; init; }

        public string? ClientId { get; init; }

        public required SessionMetadata Metadata { get; init; }

        public DateTimeOffset? RevokedAt { get; init; }

        public SessionEndReason? RevocationReason { get; init; }

        public string? KeyThumbprint { get; init; }
    }
}
