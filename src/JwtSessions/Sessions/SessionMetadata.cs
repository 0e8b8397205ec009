namespace JwtSessions.Sessions;

/// <summary>Descriptive data stored with a session for listing ("your devices"); never used for any security decision.</summary>
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

    /// <summary>Gets application-defined values.</summary>
    public IReadOnlyDictionary<string, string> Custom { get; init; } = new Dictionary<string, string>();
}
