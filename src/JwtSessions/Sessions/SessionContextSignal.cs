namespace JwtSessions.Sessions;

/// <summary>A part of a refresh's request context the session manager compares with the session's stored metadata.</summary>
public enum SessionContextSignal
{
    /// <summary>The user agent's family (browser and operating system, for example <c>Firefox on Windows</c>), not the full string, which changes with every update.</summary>
    UserAgentFamily = 1,

    /// <summary>The client's network: the /24 of an IPv4 address, the /48 of an IPv6 one.</summary>
    IpNetwork,

    /// <summary>The application-supplied device id.</summary>
    DeviceId,
}
