namespace JwtSessions.AspNetCore.Anomalies;

/// <summary>What identifies a client to the anomaly detector.</summary>
public enum JwtSessionsClientKey
{
    /// <summary>
    /// The remote IP address as the host sees it (behind a proxy, after <c>UseForwardedHeaders</c>); an IPv6 client by its
    /// /64, which one subscriber usually holds whole.
    /// </summary>
    RemoteIpAddress = 1,

    /// <summary>
    /// The device id of <see cref="Endpoints.JwtSessionsEndpointOptions.DeviceIdHeaderName"/> when the request carries one,
    /// else the remote IP address: for apps whose clients send an installation id, so users behind one NAT are told apart.
    /// A device id counts only when it is 1 to 128 visible ASCII characters (no space, control or non-ASCII character), since
    /// the key appears in the detector's log events; otherwise the request is keyed by its address.
    /// </summary>
    DeviceId,
}
