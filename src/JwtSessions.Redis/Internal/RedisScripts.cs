using StackExchange.Redis;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// The Lua scripts that make each store operation atomic on the Redis server. StackExchange.Redis loads each script once per
/// server (<c>SCRIPT LOAD</c>) and then sends <c>EVALSHA</c>; after a restart or <c>SCRIPT FLUSH</c> the server answers
/// <c>NOSCRIPT</c> and the client re-sends the text once (<c>EVAL</c>), transparently.
/// </summary>
/// <remarks>
/// Every instant is the 19-digit tick text of <see cref="Instant"/>. For sessions, "now" is always an argument (the caller's
/// clock, possibly a fake one in tests), never the Redis server's <c>TIME</c>; key lifetimes are relative (<c>PEXPIRE</c> =
/// deadline − now). The revocation log alone runs on the server's <c>TIME</c>: its entries are scored and trimmed by the one
/// clock every revoker shares. docs/redis.md walks through each script.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>How many of a subject's oldest index entries a sign-in inspects and prunes.</summary>
    public const int CreatePruneCount = 4;

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
    /// The revocation shared by Revoke and Create (the cap): marks the hash revoked, keeps it as a tombstone (descriptive fields
    /// dropped, TTL the earlier of its deadline and the tombstone retention), removes it from its subject's index, records it in
    /// the tombstone set (dropping the oldest tombstones beyond the bound, and entries past the retention), records and trims
    /// the revocation log, and publishes. The context <c>c</c> comes from ARGV 1–12 (see <see cref="RevocationArguments"/>):
    /// at, why, now, TTL floor, at (Unix ms), unused, this store's log retention (ms), channel, key prefix, tombstone retention
    /// (ms), max tombstones, now (Unix ms); with the log, tombstone and log-retention keys. The log is scored by the server's
    /// <c>TIME</c> and trimmed by it with the longest retention any store of the deployment uses (kept in the log-retention
    /// key), so a revoker's clock never trims what the others still need. Returns the full revoked hash and the event.
    /// </summary>
    private const string RevokeHelper = """
        local function context(logKey, tombKey, retentionKey)
          return {at = ARGV[1], why = ARGV[2], now = ARGV[3], floor = tonumber(ARGV[4]), atMs = ARGV[5],
            logTtl = tonumber(ARGV[7]), channel = ARGV[8], prefix = ARGV[9], tombMs = tonumber(ARGV[10]), maxTombs = tonumber(ARGV[11]),
            nowMs = tonumber(ARGV[12]), log = logKey, tombs = tombKey, retention = retentionKey}
        end
        local function logRevocation(c, event)
          local t = redis.call('TIME')
          local serverMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          local keep = tonumber(redis.call('GET', c.retention) or '0')
          if c.logTtl > keep then keep = c.logTtl end
          redis.call('SET', c.retention, keep, 'PX', keep)
          redis.call('ZADD', c.log, serverMs, event)
          redis.call('ZREMRANGEBYSCORE', c.log, '-inf', '(' .. (serverMs - keep))
          redis.call('PEXPIRE', c.log, keep)
        end
        local function revoke(c, skey, id, idle, abs, sub)
          redis.call('HSET', skey, 'rev', c.at, 'why', c.why)
          local full = redis.call('HGETALL', skey)
          redis.call('HDEL', skey, 'meta', 'scope', 'client')
          local keep = ttl(earlier(idle, abs), c.now, c.floor)
          if keep > c.tombMs then keep = c.tombMs end
          redis.call('PEXPIRE', skey, keep)
          redis.call('ZREM', c.prefix .. 'u:' .. sub, id)
          redis.call('ZADD', c.tombs, c.nowMs, id)
          redis.call('ZREMRANGEBYSCORE', c.tombs, '-inf', '(' .. (c.nowMs - c.tombMs))
          local over = redis.call('ZCARD', c.tombs) - c.maxTombs
          if over > 0 then
            local oldest = redis.call('ZPOPMIN', c.tombs, over)
            for i = 1, #oldest, 2 do
              local k = c.prefix .. 's:' .. oldest[i]
              if redis.call('HEXISTS', k, 'rev') == 1 then redis.call('DEL', k) end
            end
          end
          redis.call('PEXPIRE', c.tombs, c.tombMs)
          local event = cjson.encode({id = id, sub = sub, at = c.at, why = tonumber(c.why)})
          logRevocation(c, event)
          redis.call('PUBLISH', c.channel, event)
          return full, event
        end

        """;

    /// <summary>The number of ARGV entries <see cref="RevokeHelper"/>'s context takes, before each script's own.</summary>
    public const int RevocationArguments = 12;

    /// <summary>
    /// Stores a new session and indexes it under its subject, within the subject's cap, in one step. The subject's oldest index
    /// entries are removed until fewer than the cap remain: an entry whose session is gone or revoked just goes, any other
    /// one is revoked (SessionLimit, at the new session's creation time), so concurrent sign-ins on any number of servers never
    /// leave more than the cap. The subject index therefore never holds more than the cap. Then a few of the oldest entries
    /// are inspected and removed if their session is gone or revoked (for creates without a cap).
    /// KEYS: session hash, subject index, revocation log, tombstones, log retention. ARGV: the revocation context (1–12; "at" is the creation
    /// time, "why" SessionLimit), then id, created (Unix ms), session TTL, index TTL, cap, then the hash's field/value pairs.
    /// Returns {0} when the id exists, else {1, event...} with one event per session revoked for the cap, oldest first.
    /// </summary>
    public static readonly LuaScript Create = LuaScript.Prepare(Helpers + RevokeHelper + $$"""
        if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
        local c = context(KEYS[3], KEYS[4], KEYS[5])
        local id, cap = ARGV[13], tonumber(ARGV[17])
        local result = {1}
        local n = redis.call('ZCARD', KEYS[2])
        while n >= cap do
          local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
          redis.call('ZREM', KEYS[2], oldest)
          n = n - 1
          local skey = c.prefix .. 's:' .. oldest
          local f = redis.call('HMGET', skey, 'idle', 'abs', 'sub', 'rev')
          if f[1] and not f[4] then
            local _, event = revoke(c, skey, oldest, f[1], f[2], f[3])
            result[#result + 1] = event
          end
        end
        for _, old in ipairs(redis.call('ZRANGE', KEYS[2], 0, {{CreatePruneCount - 1}})) do
          local f = redis.call('HMGET', c.prefix .. 's:' .. old, 'idle', 'rev')
          if (not f[1]) or f[2] then redis.call('ZREM', KEYS[2], old) end
        end
        redis.call('HSET', KEYS[1], unpack(ARGV, 18))
        redis.call('PEXPIRE', KEYS[1], ARGV[15])
        redis.call('ZADD', KEYS[2], ARGV[14], id)
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[16]) then redis.call('PEXPIRE', KEYS[2], ARGV[16]) end
        return result
        """);

    /// <summary>
    /// SessionRules.Classify then SessionRules.Advance, in one step. KEYS: session hash. ARGV: expected generation, now,
    /// now + idle timeout (saturated), TTL floor (ms), and optionally the metadata to store with the advance (its JSON, or
    /// empty for none; absent keeps it). Returns {RotationStatus} or {RotationStatus, HGETALL}.
    /// </summary>
    public static readonly LuaScript Rotate = LuaScript.Prepare(Helpers + """
        local f = redis.call('HMGET', KEYS[1], 'gen', 'idle', 'abs', 'rev')
        if not f[1] then return {3} end
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

    /// <summary>
    /// Marks a session revoked (first revocation wins), keeps it as a bounded tombstone, unindexes it, records it in the
    /// revocation log and publishes it, in one step (see <see cref="RevokeHelper"/>). KEYS: session hash, revocation log,
    /// tombstones, log retention. ARGV: the revocation context (1–12), then the id. Returns {0} (unknown), {2, HGETALL} (already revoked) or
    /// {1, HGETALL, event}.
    /// </summary>
    public static readonly LuaScript Revoke = LuaScript.Prepare(Helpers + RevokeHelper + """
        local f = redis.call('HMGET', KEYS[1], 'rev', 'idle', 'abs', 'sub')
        if not f[2] then return {0} end
        if f[1] then return {2, redis.call('HGETALL', KEYS[1])} end
        local full, event = revoke(context(KEYS[2], KEYS[3], KEYS[4]), KEYS[1], ARGV[13], f[2], f[3], f[4])
        return {1, full, event}
        """);
}
