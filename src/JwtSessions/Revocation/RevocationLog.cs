using System.Globalization;
using System.Security.Cryptography;
using JwtSessions.Sessions;

namespace JwtSessions.Revocation;

/// <summary>
/// The issuer's side of the revocation endpoint: follows a session store's revocations (memory or Redis, any store) into a
/// numbered log, and answers "what was revoked since this cursor" in pages (<see cref="GetPage"/>), with an entity tag for
/// <c>If-None-Match</c>. Resource servers that do not share the store poll it with a <see cref="Remote.RevocationPoller"/>.
/// </summary>
/// <remarks>
/// <para>
/// A cursor is <c>epoch-sequence</c>, where the epoch is random per log: a cursor from another issuer instance, or from before
/// a restart, is answered with every revocation the log still holds, so a poller behind a load balancer never misses one.
/// An entry is kept until <see cref="SessionRevocation.RevokedAt"/> plus the retention (the longest access-token lifetime
/// plus the clock skew), after which no token of the session can validate anyway: the log is bounded by the revocation rate
/// times the retention.
/// </para>
/// <para>
/// A log knows the revocations its store delivers after it subscribed; a Redis store first delivers every revocation it still
/// retains. While the store reports its feed unavailable, <see cref="IsAvailable"/> is <see langword="false"/>: the endpoint
/// answers 503 and pollers count the time towards their staleness bound.
/// </para>
/// </remarks>
/// <threadsafety>Thread-safe. Dispose it to stop following the store.</threadsafety>
public sealed class RevocationLog : IDisposable
{
    /// <summary>The most revocations one page carries.</summary>
    public const int MaxPageSize = 1000;

    private readonly string _epoch = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<Entry> _entries = [];
    private readonly IDisposable _subscription;
    private long _sequence;
    private volatile bool _available = true;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="RevocationLog"/> class and subscribes to the store's revocations.</summary>
    /// <param name="store">The session store whose revocations to publish; the caller keeps owning it.</param>
    /// <param name="retention">How long an entry is kept after its revocation: the longest access-token lifetime plus the clock skew.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retention"/> is not positive.</exception>
    public RevocationLog(ISessionStore store, TimeSpan retention, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        Retention = retention;
        _time = timeProvider ?? TimeProvider.System;
        _subscription = store.SubscribeToRevocations(Append, OnAvailabilityChanged);
    }

    /// <summary>Gets how long an entry is kept after its revocation.</summary>
    public TimeSpan Retention { get; }

    /// <summary>Gets a value indicating whether the store's feed is live (never once disposed); the endpoint answers 503 while it is not.</summary>
    public bool IsAvailable => _available;

    /// <summary>Gets the number of entries held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Gets the revocations after <paramref name="cursor"/>, at most <see cref="MaxPageSize"/>, or a page with
    /// <see cref="RevocationPage.NotModified"/> when <paramref name="ifNoneMatch"/> names the log's head (nothing new).
    /// </summary>
    /// <param name="cursor">The <see cref="RevocationPage.Cursor"/> of the caller's last page; null, empty or foreign for everything held.</param>
    /// <param name="ifNoneMatch">The caller's <c>If-None-Match</c> header, or null.</param>
    /// <returns>The page.</returns>
    public RevocationPage GetPage(string? cursor, string? ifNoneMatch = null)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            TrimExpiredHead(nowMs);
            var head = Interlocked.Read(ref _sequence);
            var entityTag = $"\"{_epoch}-{head.ToString(CultureInfo.InvariantCulture)}\"";
            if (ifNoneMatch is not null && ifNoneMatch.Split(',').Any(t => t.Trim() == entityTag))
            {
                return new RevocationPage(Cursor(head), entityTag, notModified: true, hasMore: false, []);
            }

            // Entries hold consecutive sequence numbers (appended in order, trimmed from the head only), so the first one
            // after the cursor is found by arithmetic, not by a scan: a poll costs its page, not the log's length.
            var after = ParseCursor(cursor) is { } seen && seen <= head ? seen : 0;
            var start = _entries.Count == 0 ? 0 : (int)Math.Clamp(after - _entries[0].Sequence + 1, 0, _entries.Count);
            if (start == _entries.Count)
            {
                return new RevocationPage(Cursor(head), entityTag, notModified: false, hasMore: false, []);
            }

            var count = Math.Min(MaxPageSize, _entries.Count - start);
            var revocations = new List<KeyValuePair<string, DateTimeOffset>>(count);
            for (var i = start; i < start + count; i++)
            {
                // An entry can expire behind a later-expiring head (revokers' clocks differ slightly): it is skipped here
                // and removed once the head passes it.
                var entry = _entries[i];
                if (entry.UntilMs > nowMs)
                {
                    revocations.Add(new(entry.SessionId, DateTimeOffset.FromUnixTimeMilliseconds(entry.UntilMs)));
                }
            }

            return new RevocationPage(
                Cursor(_entries[start + count - 1].Sequence),
                entityTag,
                notModified: false,
                hasMore: start + count < _entries.Count,
                revocations);
        }
    }

    /// <summary>
    /// Stops following the store. The log then reports itself unavailable for good (<see cref="IsAvailable"/>): it no longer
    /// learns of revocations, so the endpoint answers 503 and pollers count the time towards their staleness bound rather
    /// than take a page missing them for the current one.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _available = false;
        }

        _subscription.Dispose();
    }

    private void OnAvailabilityChanged(bool available)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _available = available;
            }
        }
    }

    private void Append(SessionRevocation revocation)
    {
        var retentionMs = (long)Retention.TotalMilliseconds;
        lock (_lock)
        {
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            TrimExpiredHead(nowMs);

            // Kept no longer than the retention on this log's clock: a revoker whose clock runs ahead (or a corrupt time)
            // would otherwise put a far-future entry at the head, and the head blocks trimming of everything behind it.
            // A token that a validator accepts expires within the retention on any clock within the skew, so nothing is lost.
            var untilMs = Math.Min(revocation.RevokedAt.ToUnixTimeMilliseconds(), nowMs) + retentionMs;
            _entries.Add(new Entry(Interlocked.Increment(ref _sequence), revocation.SessionId, untilMs));
        }
    }

    /// <summary>Removes the expired entries at the head of the log (the oldest); called under the lock.</summary>
    private void TrimExpiredHead(long nowMs)
    {
        var expired = 0;
        while (expired < _entries.Count && _entries[expired].UntilMs <= nowMs)
        {
            expired++;
        }

        if (expired > 0)
        {
            _entries.RemoveRange(0, expired);
        }
    }

    private string Cursor(long sequence) => $"{_epoch}-{sequence.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The sequence of a cursor of this log; null for a foreign, stale or malformed one (answered from the start).</summary>
    private long? ParseCursor(string? cursor)
        => cursor is not null
            && cursor.Length > _epoch.Length + 1
            && cursor.StartsWith(_epoch, StringComparison.Ordinal)
            && cursor[_epoch.Length] == '-'
            && long.TryParse(cursor.AsSpan(_epoch.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;

    private readonly record struct Entry(long Sequence, string SessionId, long UntilMs);
}
