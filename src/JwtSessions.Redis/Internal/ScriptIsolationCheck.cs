using System.Collections.Concurrent;
using StackExchange.Redis;

namespace JwtSessions.Redis.Internal;

/// <summary>
/// Finds servers that run Lua scripts without isolation, on which the store's scripts are not atomic: two concurrent
/// rotations of one refresh token could both succeed and fork the session. Redis runs every script as one atomic step by
/// design; Garnet does so only with <c>--lua-transaction-mode true</c>, and neither <c>INFO</c> nor <c>CONFIG GET</c> says which
/// mode it runs in, so for Garnet the check observes it.
/// </summary>
/// <remarks>
/// The probe: a script on the store's connection writes <c>started</c> to a probe key, then watches that key for up to
/// <see cref="Budget"/>; a second connection waits to read <c>started</c> and writes <c>peer</c>. An isolated script can never
/// see another client's write, so it returns 0 after its budget; a script that sees <c>peer</c> was interleaved with another
/// client and returns 1. The answer cannot be "isolated" for a server that interleaved a write; it can be for a server that
/// did not manage to interleave within the budget, which is why the budget is generous. The result is cached per server
/// process (<c>INFO</c>'s <c>run_id</c>), so each Garnet process is probed once per client process.
/// </remarks>
internal static class ScriptIsolationCheck
{
    /// <summary>How long the probe script watches for the other connection's write.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    private const string ProbeScript = """
        redis.call('SET', KEYS[1], 'started', 'PX', 60000)
        local t = redis.call('TIME')
        local deadline = tonumber(t[1]) * 1000000 + tonumber(t[2]) + tonumber(ARGV[1])
        while true do
          if redis.call('GET', KEYS[1]) == 'peer' then
            redis.call('DEL', KEYS[1])
            return 1
          end
          t = redis.call('TIME')
          if tonumber(t[1]) * 1000000 + tonumber(t[2]) > deadline then
            redis.call('DEL', KEYS[1])
            return 0
          end
        end
        """;

    private static readonly ConcurrentDictionary<string, bool> s_isolatedByRunId = new(StringComparer.Ordinal);

    /// <summary>Says why the server cannot hold the store, or returns <see langword="null"/> when it can.</summary>
    /// <param name="connection">The store's connection, connected.</param>
    /// <param name="database">The store's database.</param>
    /// <param name="keyPrefix">The store's key prefix; the probe key lives under it for the probe's duration only.</param>
    /// <exception cref="RedisException">The server could not be reached or failed during the check (or a <see cref="RedisTimeoutException"/>).</exception>
    public static async Task<string?> FindProblemAsync(IConnectionMultiplexer connection, IDatabase database, string keyPrefix)
    {
        var info = (string?)await database.ExecuteAsync("INFO", "server").ConfigureAwait(false) ?? string.Empty;
        if (Field(info, "garnet_version") is not { } garnetVersion)
        {
            return null;
        }

        var runId = Field(info, "run_id") ?? string.Empty;
        if (!s_isolatedByRunId.TryGetValue(runId, out var isolated))
        {
            isolated = await ProbeAsync(connection, database, keyPrefix).ConfigureAwait(false);
            if (runId.Length > 0)
            {
                s_isolatedByRunId[runId] = isolated;
            }
        }

        return isolated
            ? null
            : $"Garnet {garnetVersion} runs Lua scripts without transactions, so the session store's scripts are not atomic and "
                + "concurrent refreshes could fork a session. Start Garnet with --lua --lua-transaction-mode true.";
    }

    private static async Task<bool> ProbeAsync(IConnectionMultiplexer connection, IDatabase database, string keyPrefix)
    {
        // A second connection: commands on the store's own are queued behind the script and could never interleave with it.
        var configuration = ConfigurationOptions.Parse(connection.Configuration);
        configuration.AbortOnConnectFail = true;
        await using var peerConnection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        var peer = peerConnection.GetDatabase(database.Database);

        RedisKey key = $"{keyPrefix}script-isolation-probe:{Guid.NewGuid():N}";

        // Warm up both paths first (a fresh server compiles its code on first use), so that the peer's commands are not
        // slowed past the budget by work unrelated to isolation.
        await peer.StringGetAsync(key).ConfigureAwait(false);
        await database.ScriptEvaluateAsync("return redis.call('GET', KEYS[1])", [key]).ConfigureAwait(false);

        var script = database.ScriptEvaluateAsync(ProbeScript, [key], [(long)(Budget.TotalMilliseconds * 1000)]);
        while (!script.IsCompleted)
        {
            if (await peer.StringGetAsync(key).ConfigureAwait(false) == "started")
            {
                await peer.StringSetAsync(key, "peer", TimeSpan.FromMinutes(1)).ConfigureAwait(false);
                break;
            }
        }

        var interleaved = (long)await script.ConfigureAwait(false) == 1;
        await peer.KeyDeleteAsync(key).ConfigureAwait(false);
        return !interleaved;
    }

    private static string? Field(string info, string name)
    {
        foreach (var line in info.AsSpan().EnumerateLines())
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] == ':')
            {
                return line[(name.Length + 1)..].Trim().ToString();
            }
        }

        return null;
    }
}
