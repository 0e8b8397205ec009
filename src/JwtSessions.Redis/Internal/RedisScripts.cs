using StackExchange.Redis;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// The Lua scripts that make each store operation atomic on the Redis server. StackExchange.Redis loads each script once per
/// server (<c>SCRIPT LOAD</c>) and then sends <c>EVALSHA</c>; after a restart or <c>SCRIPT FLUSH</c> the server answers
/// <c>NOSCRIPT</c> and the client re-sends the text once (<c>EVAL</c>), transparently.
/// </summary>
/// <remarks>
/// Every script reads and writes the keys of one hash slot only (docs/redis.md, "Key layout by slot"), so each runs on one
/// primary of a cluster; operations that span slots are ordered sequences of these scripts.
/// Every instant is the 19-digit tick text of <see cref="Instant"/>. For sessions, "now" is always an argument (the caller's
/// clock, possibly a fake one in tests), never the Redis server's <c>TIME</c>; key lifetimes are relative (<c>PEXPIRE</c> =
/// deadline − now). The revocation log alone runs on the server's <c>TIME</c>: its entries are scored and trimmed by the one
/// clock every revoker shares. docs/redis.md walks through each script.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>How many of a subject's oldest index entries a sign-in inspects and prunes.</summary>
    public const int CreatePruneCount = 4;

    /// <summary>The field that marks a session hash whose sign-in has not finished: invisible, and never rotated.</summary>
    public const string PendingField = "pend";

    // Shared helpers: fixed-width tick text -> (milliseconds, sub-millisecond remainder), exact comparison, and TTLs rounded up.
    private const string Helpers = """
        local function ms(t) return tonumber(string.sub(t, 1, 15)) end
        local function frac(t) return tonumber(string.sub(t, 16, 19)) end
        local function before(a, b)
          local am, bm = ms(a), ms(b)
          if am ~= bm then return am < bm end
          return frac(a) < frac(b)
        end
        local function earlier(a, b)
          if before(b, a) then return b end
          return a
        end
        local function ttl(deadline, now, floor)
          local t = ms(deadline) - ms(now)
          if frac(deadline) > frac(now) then t = t + 1 end
          if t < floor then t = floor end
          return t
        end

        """;

    /// <summary>
    /// Step 1 of a sign-in: stores the session's hash marked pending (<see cref="PendingField"/>), so that its id is taken and
    /// its key expires, while nothing can read or rotate it yet. KEYS: session hash. ARGV: TTL (ms), then the hash's
    /// field/value pairs. Returns 0 when the id exists, else 1.
    /// </summary>
    public static readonly LuaScript CreatePending = LuaScript.Prepare("""
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], 'pend', '1', unpack(ARGV, 2))
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """);

    /// <summary>
    /// Step 2 of a sign-in: indexes the session under its subject and names the subject's oldest other entries beyond the cap,
    /// which the caller revokes (each revocation then removes its entry) before it activates the new session. The entries
    /// stay until revoked, so a sign-in that stops here leaves them owed, never unlisted. KEYS: subject index. ARGV: id,
    /// created (Unix ms), index TTL (ms), cap. Returns {victims, prune candidates}: the ids over the cap, oldest first, and
    /// up to <see cref="CreatePruneCount"/> of the next oldest, for the caller to prune if their session is gone or revoked.
    /// </summary>
    public static readonly LuaScript IndexSubject = LuaScript.Prepare($$"""
        local id, cap = ARGV[1], tonumber(ARGV[4])
        redis.call('ZADD', KEYS[1], ARGV[2], id)
        if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        local over = redis.call('ZCARD', KEYS[1]) - cap
        local victims, prune = {}, {}
        local wanted = {{CreatePruneCount}}
        if over > 0 then wanted = wanted + over end
        for _, other in ipairs(redis.call('ZRANGE', KEYS[1], 0, wanted)) do
          if other ~= id then
            if #victims < over then victims[#victims + 1] = other
            elseif #prune < {{CreatePruneCount}} then prune[#prune + 1] = other end
          end
        end
        return {victims, prune}
        """);

    /// <summary>
    /// Step 1 of a revocation: marks the session revoked (the first revocation wins) and turns its hash into a tombstone
    /// (descriptive fields dropped, TTL the earlier of its deadline and the tombstone retention). KEYS: session hash. ARGV:
    /// at, why, now, TTL floor (ms), tombstone retention (ms). Returns {0} (unknown), {2, HGETALL} (already revoked: the
    /// caller completes the later steps again, which are idempotent) or {1, HGETALL before the fields were dropped}.
    /// </summary>
    public static readonly LuaScript MarkRevoked = LuaScript.Prepare(Helpers + """
        local f = redis.call('HMGET', KEYS[1], 'rev', 'idle', 'abs')
        if not f[2] then return {0} end
        if f[1] then return {2, redis.call('HGETALL', KEYS[1])} end
        redis.call('HSET', KEYS[1], 'rev', ARGV[1], 'why', ARGV[2])
        local full = redis.call('HGETALL', KEYS[1])
        redis.call('HDEL', KEYS[1], 'meta', 'scope', 'client')
        local keep = ttl(earlier(f[2], f[3]), ARGV[3], tonumber(ARGV[4]))
        if keep > tonumber(ARGV[5]) then keep = tonumber(ARGV[5]) end
        redis.call('PEXPIRE', KEYS[1], keep)
        return {1, full}
        """);

    /// <summary>
    /// Step 2 of a revocation: records it in its shard of the revocation log and publishes it. The log is scored by the
    /// server's <c>TIME</c> and trimmed by it with the longest retention any store of the deployment uses (kept in the shard's
    /// retention key), so a revoker's clock never trims what the others still need. Idempotent: the event text of a
    /// revocation never changes, so a repeat re-scores the same member. KEYS: log shard, its retention key. ARGV: event,
    /// this store's retention (ms), channel.
    /// </summary>
    public static readonly LuaScript LogRevocation = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local serverMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local keep = tonumber(redis.call('GET', KEYS[2]) or '0')
        if tonumber(ARGV[2]) > keep then keep = tonumber(ARGV[2]) end
        redis.call('SET', KEYS[2], keep, 'PX', keep)
        redis.call('ZADD', KEYS[1], serverMs, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (serverMs - keep))
        redis.call('PEXPIRE', KEYS[1], keep)
        redis.call('PUBLISH', ARGV[3], ARGV[1])
        return 1
        """);

    /// <summary>
    /// Step 4 of a revocation: records the tombstone in the bounded set, trims entries past the retention and pops the oldest
    /// beyond the bound; the caller then deletes the popped hashes that are still revoked (<see cref="DeleteTombstone"/>).
    /// KEYS: tombstone set. ARGV: id, now (Unix ms), tombstone retention (ms), max tombstones. Returns the popped ids.
    /// </summary>
    public static readonly LuaScript Tombstone = LuaScript.Prepare("""
        local nowMs, keepMs = tonumber(ARGV[2]), tonumber(ARGV[3])
        redis.call('ZADD', KEYS[1], nowMs, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (nowMs - keepMs))
        local popped = {}
        local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
        if over > 0 then
          local oldest = redis.call('ZPOPMIN', KEYS[1], over)
          for i = 1, #oldest, 2 do popped[#popped + 1] = oldest[i] end
        end
        redis.call('PEXPIRE', KEYS[1], keepMs)
        return popped
        """);

    /// <summary>Deletes a session hash only if it is a tombstone (revoked): a live session is never deleted. KEYS: session hash.</summary>
    public static readonly LuaScript DeleteTombstone = LuaScript.Prepare("""
        if redis.call('HEXISTS', KEYS[1], 'rev') == 1 then return redis.call('DEL', KEYS[1]) end
        return 0
        """);

    /// <summary>
    /// SessionRules.Classify then SessionRules.Advance, in one step; a session still being signed in (<c>pend</c>) is unknown.
    /// KEYS: session hash. ARGV: expected generation, now,
    /// now + idle timeout (saturated), TTL floor (ms), and optionally the metadata to store with the advance (its JSON, or
    /// empty for none; absent keeps it). Returns {RotationStatus} or {RotationStatus, HGETALL}.
    /// </summary>
    public static readonly LuaScript Rotate = LuaScript.Prepare(Helpers + """
        local f = redis.call('HMGET', KEYS[1], 'gen', 'idle', 'abs', 'rev', 'pend')
        if (not f[1]) or (f[5] and not f[4]) then return {3} end
        if f[4] then return {4, redis.call('HGETALL', KEYS[1])} end
        if not before(ARGV[2], earlier(f[2], f[3])) then return {5, redis.call('HGETALL', KEYS[1])} end
        if f[1] ~= ARGV[1] then return {2, redis.call('HGETALL', KEYS[1])} end
        local idle = earlier(ARGV[3], f[3])
        redis.call('HINCRBY', KEYS[1], 'gen', 1)
        redis.call('HSET', KEYS[1], 'rot', ARGV[2], 'idle', idle)
        if ARGV[5] then
          if ARGV[5] == '' then redis.call('HDEL', KEYS[1], 'meta') else redis.call('HSET', KEYS[1], 'meta', ARGV[5]) end
        end
        redis.call('PEXPIRE', KEYS[1], ttl(earlier(idle, f[3]), ARGV[2], tonumber(ARGV[4])))
        return {1, redis.call('HGETALL', KEYS[1])}
        """);
}
