namespace JwtSessions.Sessions;

/// <summary>
/// Descriptive data stored with a session for listing ("your devices"), and the baseline the session manager compares a
/// refresh's request context with (<see cref="SessionContextPolicy"/>): the user agent, IP address and device id.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed record SessionMetadata
{
    /// <summary>Gets an empty metadata set.</summary>
    public static SessionMetadata Empty { get; } = new();

    /// <summary>Gets a device name chosen by the user or the client.</summary>
    public string? DeviceName { get; init; }

    /// <summary>Gets the User-Agent seen at sign-in.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Gets the client IP address seen at sign-in.</summary>
    public string? IpAddress { get; init; }

    /// <summary>
    /// Gets an application-supplied device id seen at sign-in (or accepted since, under
    /// <see cref="SessionContextAction.AllowAndUpdate"/>); a refresh presenting another one is a context change.
    /// </summary>
    public string? DeviceId { get; init; }

    /// <summary>Gets when the session was last refreshed with a request context (<see cref="SessionManager.RefreshAsync(string?, SessionRequestContext?, CancellationToken)"/>), or signed in.</summary>
    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>Gets the client IP address of that last refresh or sign-in.</summary>
    public string? LastSeenIpAddress { get; init; }

    /// <summary>Gets application-defined values.</summary>
    public IReadOnlyDictionary<string, string> Custom { get; init; } = new Dictionary<string, string>();
}
