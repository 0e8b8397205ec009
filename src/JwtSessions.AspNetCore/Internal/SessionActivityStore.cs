using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// Keeps what the endpoints last saw of each session (User-Agent, IP address, device name, time of the last refresh) in
/// the registered <see cref="IDistributedCache"/>, expiring with the session, so "your devices" shows where a session is
/// now, not only where it began. Descriptive only: nothing here takes part in a security decision, and a cache failure
/// loses a "last seen" line, never a refresh.
/// </summary>
internal sealed partial class SessionActivityStore(IDistributedCache cache, ILogger<SessionActivityStore> logger)
{
    private const string KeyPrefix = "jwtsessions:activity:";

    /// <summary>Records <paramref name="activity"/> until <paramref name="expiresAt"/>.</summary>
    /// <remarks>
    /// The entry's lifetime is relative (the session's deadline minus <see cref="SessionActivity.SeenAt"/>, both read from
    /// the manager's clock): the cache keeps its own clock, which need not agree with the application's
    /// <see cref="TimeProvider"/>.
    /// </remarks>
    public async Task RecordAsync(string sessionId, SessionActivity activity, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var lifetime = expiresAt - activity.SeenAt;
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(activity, EndpointJsonContext.Default.SessionActivity);
            await cache.SetAsync(KeyPrefix + sessionId, bytes, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRecordFailed(logger, e);
        }
    }

    public async Task<SessionActivity?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await cache.GetAsync(KeyPrefix + sessionId, cancellationToken).ConfigureAwait(false);
            return bytes is null ? null : JsonSerializer.Deserialize(bytes, EndpointJsonContext.Default.SessionActivity);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReadFailed(logger, e);
            return null;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not record a session's last activity in the distributed cache.")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Could not read a session's last activity from the distributed cache.")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
