using Microsoft.Extensions.Logging;

namespace JwtSessions.Sessions;

public sealed partial class SessionManager
{
    // Session ids and subjects only: never a token, a key or a refresh secret.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Refresh-token reuse detected: session {SessionId} of subject {Subject} revoked (generation {Presented} presented, {Current} current).")]
        public static partial void ReuseDetected(ILogger logger, string sessionId, string subject, long presented, long current);

        [LoggerMessage(7, LogLevel.Warning, "Refresh token of DPoP-bound session {SessionId} of subject {Subject} presented {How}: session revoked.")]
        public static partial void DpopKeyMismatch(ILogger logger, string sessionId, string subject, string how);

        [LoggerMessage(4, LogLevel.Warning, "Burst of rejected access tokens: {Count} rejections in the window starting {WindowStart:O}.")]
        public static partial void RejectionBurst(ILogger logger, int count, DateTimeOffset windowStart);

        [LoggerMessage(3, LogLevel.Error, "Session store failure during {Operation}; failing closed.")]
        public static partial void StoreFailed(ILogger logger, string operation, Exception exception);

        [LoggerMessage(6, LogLevel.Warning, "Session {SessionId} of subject {Subject} refreshed from another {Signal}: {OldValue} before, {NewValue} now; action {Action}.")]
        public static partial void ContextChanged(ILogger logger, string sessionId, string subject, SessionContextSignal signal, string oldValue, string newValue, SessionContextAction action);

        [LoggerMessage(5, LogLevel.Warning, "RefreshTokenKeys is not set: refresh tokens are signed with a key made for this process. Other servers sharing the {StoreType} cannot read them, and a restart invalidates every one; set RefreshTokenKeys to a shared key ring.")]
        public static partial void PerProcessRefreshKey(ILogger logger, string storeType);
    }
}
