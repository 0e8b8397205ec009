using System.Text.Json;
using JwtSessions.Redis.Internal;
using JwtSessions.Sessions;
using StackExchange.Redis;

namespace JwtSessions.Redis;

/// <summary>
/// The operations that span hash slots (a sign-in, a revocation, a listing), as ordered steps of one-slot scripts whose
/// intermediate states are all safe; docs/redis.md ("Key layout by slot") gives the order and why each state is safe.
/// </summary>
public sealed partial class RedisSessionStore
{
    /// <summary>Step name: a sign-in stored the session's hash, marked pending.</summary>
    internal const string StepCreatePending = "create:pending";

    /// <summary>Step name: a sign-in indexed the session under its subject.</summary>
    internal const string StepCreateIndexed = "create:indexed";

    /// <summary>Step name: a sign-in revoked the sessions over the subject's cap and pruned the index.</summary>
    internal const string StepCreateEvicted = "create:evicted";

    /// <summary>Step name: a revocation marked the session's hash revoked.</summary>
    internal const string StepRevokeMarked = "revoke:marked";

    /// <summary>Step name: a revocation was recorded in the revocation log and published.</summary>
    internal const string StepRevokeLogged = "revoke:logged";

    /// <summary>Step name: a revocation removed the session from its subject's index.</summary>
    internal const string StepRevokeUnindexed = "revoke:unindexed";

    /// <summary>
    /// Gets or sets a hook run after each step of a multi-step operation, with the step's name; a test throws from it to stop
    /// the operation there, as a crash of the calling process would.
    /// </summary>
    internal Action<string>? AfterStep { get; set; }

    private async ValueTask<IReadOnlyList<SessionRevocation>> CreateCoreAsync(SessionRecord session, int cap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(session.SessionId, nameof(session));
        var now = _time.GetUtcNow();

        // 1. The hash, pending: the id is taken and expires with the session, but nothing can read or rotate it yet. Before
        //    the index entry, so an indexed id whose hash is missing is gone for good and may be pruned.
        var fields = SessionHash.Encode(session);
        var createArgs = new RedisValue[1 + fields.Count];
        createArgs[0] = Instant.TtlMilliseconds(session.ExpiresAt, now, TtlFloorMilliseconds);
        fields.CopyTo(createArgs, 1);
        var created = (long)await EvaluateAsync(RedisScripts.CreatePending, [_keys.Session(session.SessionId)], createArgs, cancellationToken).ConfigureAwait(false);
        if (created == 0)
        {
            throw new InvalidOperationException("A session with this id already exists.");
        }

        AfterStep?.Invoke(StepCreatePending);

        // 2. The index entry, before the session can be used: "log out everywhere" and the cap see every usable session. The
        //    subject's entries over the cap stay indexed until their revocation removes them.
        var index = _keys.Subject(session.Subject);
        RedisValue[] indexArgs =
        [
            session.SessionId,
            session.CreatedAt.ToUnixTimeMilliseconds(),
            Instant.TtlMilliseconds(session.AbsoluteExpiresAt, now, TtlFloorMilliseconds),
            cap,
        ];
        var indexed = (RedisResult[])(await EvaluateAsync(RedisScripts.IndexSubject, [index], indexArgs, cancellationToken).ConfigureAwait(false))!;
        var victims = (string[])indexed[0]!;
        var candidates = (string[])indexed[1]!;

        // With replica acknowledgements, the entry must outlive a failover before the session can become usable.
        await ReplicateAsync(index).ConfigureAwait(false);
        AfterStep?.Invoke(StepCreateIndexed);

        // 3. The sessions over the cap are revoked (oldest first in the result), and the oldest other entries pruned if
        //    their session is gone or revoked, before the new session becomes usable.
        var evictions = new Task<(SessionRecord? Record, SessionRevocation? Revocation)>[victims.Length];
        for (var i = 0; i < victims.Length; i++)
        {
            evictions[i] = RevokeStepsAsync(victims[i], session.CreatedAt, SessionEndReason.SessionLimit, now, cancellationToken);
        }

        var prune = PruneAsync(index, candidates, now, cancellationToken);
        var evicted = new List<SessionRevocation>(victims.Length);
        var gone = new List<RedisValue>();
        for (var i = 0; i < evictions.Length; i++)
        {
            var (record, revocation) = await evictions[i].ConfigureAwait(false);
            if (record is null)
            {
                gone.Add(victims[i]);
            }
            else if (revocation is not null)
            {
                evicted.Add(revocation);
            }
        }

        if (gone.Count > 0)
        {
            // Entries whose hash is missing: gone for good (ids are never reused), so they just leave the index.
            await Guard(_database.SortedSetRemoveAsync(index, [.. gone])).ConfigureAwait(false);
        }

        await prune.ConfigureAwait(false);
        AfterStep?.Invoke(StepCreateEvicted);

        // 4. Usable from now on. HDEL never creates a key: a hash that expired meanwhile stays gone.
        await Guard(_database.HashDeleteAsync(_keys.Session(session.SessionId), RedisScripts.PendingField)).ConfigureAwait(false);
        await ReplicateAsync(_keys.Session(session.SessionId)).ConfigureAwait(false);
        return evicted;
    }

    /// <summary>Removes the listed index entries whose session is gone, and completes the revocations of those revoked.</summary>
    private async Task PruneAsync(RedisKey index, string[] ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            return;
        }

        var reads = new Task<RedisValue[]>[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            reads[i] = _database.HashGetAsync(_keys.Session(ids[i]), [SessionHash.IdleExpiresAt, SessionHash.RevokedAt]);
        }

        await Guard(Task.WhenAll(reads)).ConfigureAwait(false);
        var gone = new List<RedisValue>();
        var revoked = new List<Task<(SessionRecord?, SessionRevocation?)>>();
        for (var i = 0; i < ids.Length; i++)
        {
            var fields = reads[i].Result;
            if (fields[0].IsNull)
            {
                gone.Add(ids[i]);
            }
            else if (!fields[1].IsNull)
            {
                revoked.Add(RevokeStepsAsync(ids[i], now, SessionEndReason.Administrative, now, cancellationToken));
            }
        }

        if (gone.Count > 0)
        {
            await Guard(_database.SortedSetRemoveAsync(index, [.. gone])).ConfigureAwait(false);
        }

        await Task.WhenAll(revoked).ConfigureAwait(false);
    }

    /// <summary>
    /// A revocation's steps: mark the hash (the first revocation wins), log and publish, unindex, then record the tombstone
    /// and delete the tombstones over the bound. For a session already revoked the log and unindex steps run again (both are
    /// idempotent), which completes a revocation whose revoker stopped after marking the hash.
    /// </summary>
    /// <returns>The record (null when unknown), and the revocation when this call made it.</returns>
    private async Task<(SessionRecord? Record, SessionRevocation? Revocation)> RevokeStepsAsync(
        string sessionId,
        DateTimeOffset revokedAt,
        SessionEndReason reason,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        RedisValue[] markArgs =
        [
            Instant.Encode(revokedAt),
            (int)reason,
            Instant.Encode(now),
            TtlFloorMilliseconds,
            (long)Math.Ceiling(_tombstoneRetention.TotalMilliseconds),
        ];
        var marked = (RedisResult[])(await EvaluateAsync(RedisScripts.MarkRevoked, [_keys.Session(sessionId)], markArgs, cancellationToken).ConfigureAwait(false))!;
        var status = (int)marked[0];
        if (status == 0 || SessionHash.Decode(sessionId, marked[1]) is not { RevokedAt: { } at } record)
        {
            return (null, null);
        }

        // Enforce at once for this process's subscribers, before the log step can fail: a revocation marked in the store is
        // never still accepted here. The pub/sub echo is then a duplicate and is dropped.
        var revocation = new SessionRevocation(sessionId, record.Subject, at, record.RevocationReason ?? reason);
        Deliver(revocation);
        AfterStep?.Invoke(StepRevokeMarked);

        // Once the hash is marked the revocation is carried through whatever the caller's token says: a client that gives up
        // on a logout must not leave a revocation that other servers never hear of.
        cancellationToken = CancellationToken.None;
        var shard = RedisKeys.ShardOf(sessionId);
        RedisValue[] logArgs = [EncodeEvent(revocation), Math.Max(1, (long)Math.Ceiling(_retention.TotalMilliseconds)), _keys.RevocationChannelName];
        await EvaluateAsync(RedisScripts.LogRevocation, [_keys.RevocationLog(shard), _keys.RevocationRetention(shard)], logArgs, cancellationToken).ConfigureAwait(false);

        // Logged before waiting, so that a replica shortfall on one node still leaves the revocation published and logged.
        await Task.WhenAll(ReplicateAsync(_keys.Session(sessionId)), ReplicateAsync(_keys.RevocationLog(shard))).ConfigureAwait(false);
        AfterStep?.Invoke(StepRevokeLogged);

        await Guard(_database.SortedSetRemoveAsync(_keys.Subject(record.Subject), sessionId)).ConfigureAwait(false);
        AfterStep?.Invoke(StepRevokeUnindexed);
        if (status != 1)
        {
            return (record, null);
        }

        RedisValue[] tombArgs =
        [
            sessionId,
            now.ToUnixTimeMilliseconds(),
            (long)Math.Ceiling(_tombstoneRetention.TotalMilliseconds),
            _maxTombstones,
        ];
        var popped = (string[])(await EvaluateAsync(RedisScripts.Tombstone, [_keys.Tombstones], tombArgs, cancellationToken).ConfigureAwait(false))!;
        if (popped.Length > 0)
        {
            // A crash before these deletions leaves the popped tombstones to their TTL (at most TombstoneRetention).
            var deletions = new Task[popped.Length];
            for (var i = 0; i < popped.Length; i++)
            {
                deletions[i] = EvaluateAsync(RedisScripts.DeleteTombstone, [_keys.Session(popped[i])], [], cancellationToken);
            }

            await Task.WhenAll(deletions).ConfigureAwait(false);
        }

        return (record, revocation);
    }

    /// <summary>The revocation log's and channel's document; the same revocation always gives the same text.</summary>
    private static string EncodeEvent(SessionRevocation revocation)
        => JsonSerializer.Serialize(
            new StoredRevocation
            {
                SessionId = revocation.SessionId,
                Subject = revocation.Subject,
                RevokedAt = Instant.Encode(revocation.RevokedAt),
                Reason = (int)revocation.Reason,
            },
            RedisJsonContext.Default.StoredRevocation);
}
