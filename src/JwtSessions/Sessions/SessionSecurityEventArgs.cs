namespace JwtSessions.Sessions;

/// <summary>Data of a session security event such as refresh-token reuse.</summary>
/// <param name="revocation">The revocation that the event caused or reports.</param>
public sealed class SessionSecurityEventArgs(SessionRevocation revocation) : EventArgs
{
    /// <summary>Gets the revocation.</summary>
    public SessionRevocation Revocation { get; } = revocation;
}
