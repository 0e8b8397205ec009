using StackExchange.Redis;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// The Lua scripts that make each store operation atomic on the Redis server. StackExchange.Redis loads each script once per
/// server (<c>SCRIPT LOAD</c>) and then sends <c>EVALSHA</c>; after a restart or <c>SCRIPT FLUSH</c> the server answers
/// <c>NOSCRIPT</c> and the client re-sends the text once (<c>EVAL</c>), transparently.
/// </summary>
/// <remarks>
/// Every instant is the 19-digit tick text of <see cref="Instant"/>. "now" is always an argument (the caller's clock, possibly a
/// fake one in tests), never the Redis server's <c>TIME</c>; key lifetimes are relative (<c>PEXPIRE</c> = deadline − now).
/// docs/redis.md walks through each script.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>How many of a subject's oldest index entries a sign-in inspects and prunes.</summary>
    public const int CreatePruneCount = 32;

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
    /// Stores a new session and indexes it under its subject, pruning the subject's oldest entries whose session is gone or
    /// revoked. An entry merely past its deadline stays until its hash expires (its TTL ends at the deadline, floored at a
    /// second): a rotation whose "now" was read just before the deadline may still land and make it live again, and a live
    /// session must never leave its subject's index ("log out everywhere" lists it).
    /// KEYS: session hash, subject index. ARGV: id, created (Unix ms), session TTL, index TTL, session key prefix, now,
    /// then the hash's field/value pairs. Returns 1, or 0 when the id exists.
    /// </summary>
    public static readonly LuaScript Create = LuaScript.Prepare(Helpers + $$"""
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('HSET', KEYS[1], unpack(ARGV, 7))
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        local oldest = redis.call('ZRANGE', KEYS[2], 0, {{CreatePruneCount - 1}})
        for _, id in ipairs(oldest) do
          local f = redis.call('HMGET', ARGV[5] .. id, 'idle', 'rev')
          if (not f[1]) or f[2] then
            redis.call('ZREM', KEYS[2], id)
          end
        end
        redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
        return 1
        """);

    /// <summary>
    /// SessionRules.Classify then SessionRules.Advance, in one step. KEYS: session hash. ARGV: expected generation, now,
    /// now + idle timeout (saturated), TTL floor (ms). Returns {RotationStatus} or {RotationStatus, HGETALL}.
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
        redis.call('PEXPIRE', KEYS[1], ttl(earlier(idle, f[3]), ARGV[2], tonumber(ARGV[4])))
        return {1, redis.call('HGETALL', KEYS[1])}
        """);

    /// <summary>
    /// Marks a session revoked (first revocation wins), records it in the revocation log and publishes it, in one step.
    /// KEYS: session hash, revocation log. ARGV: id, revoked at, reason, now, TTL floor, revoked at (Unix ms), trim before
    /// (Unix ms), log TTL, channel. Returns {0} (unknown), {2, HGETALL} (already revoked) or {1, HGETALL, event}.
    /// </summary>
    public static readonly LuaScript Revoke = LuaScript.Prepare(Helpers + """
        local f = redis.call('HMGET', KEYS[1], 'rev', 'idle', 'abs', 'sub')
        if not f[2] then return {0} end
        if f[1] then return {2, redis.call('HGETALL', KEYS[1])} end
        redis.call('HSET', KEYS[1], 'rev', ARGV[2], 'why', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ttl(earlier(f[2], f[3]), ARGV[4], tonumber(ARGV[5])))
        local event = cjson.encode({id = ARGV[1], sub = f[4], at = ARGV[2], why = tonumber(ARGV[3])})
        redis.call('ZADD', KEYS[2], ARGV[6], event)
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
        redis.call('PEXPIRE', KEYS[2], ARGV[8])
        redis.call('PUBLISH', ARGV[9], event)
        return {1, redis.call('HGETALL', KEYS[1]), event}
        """);
}
