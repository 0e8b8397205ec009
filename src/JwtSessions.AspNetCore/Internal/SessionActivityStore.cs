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

    public async Task RecordAsync(string sessionId, SessionActivity activity, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(activity, EndpointJsonContext.Default.SessionActivity);
            await cache.SetAsync(KeyPrefix + sessionId, bytes, new DistributedCacheEntryOptions { AbsoluteExpiration = expiresAt }, cancellationToken).ConfigureAwait(false);
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
