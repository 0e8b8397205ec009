namespace JwtSessions.Sessions;

/// <summary>
/// What a change of each context signal does at refresh. A signal is compared only when both the session's stored value
/// and the request's are known; docs/sessions.md ("Context signals") explains the defaults.
/// </summary>
/// <remarks>
/// The default is safe against the classic sign of a stolen refresh token, the current token presented from another device:
/// another device id revokes the session (an application's installation id does not change under a legitimate client), and
/// another browser or operating system family asks for step-up without touching the session (the legitimate client, still
/// on its own device, refreshes on). A new network is allowed and recorded: phones change networks all day. The signals
/// come from the request, so an attacker who copies them passes; they raise the cost of theft, they do not bind the token
/// (sender-constrained sessions do).
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed record SessionContextPolicy
{
    /// <summary>Gets the default policy: step-up on a user-agent family change, revocation on a device id change, allow and update a network change.</summary>
    public static SessionContextPolicy Default { get; } = new();

    /// <summary>Gets a policy that allows and records every change (events are still raised).</summary>
    public static SessionContextPolicy AllowAll { get; } = new()
    {
        UserAgentFamily = SessionContextAction.AllowAndUpdate,
        IpNetwork = SessionContextAction.AllowAndUpdate,
        DeviceId = SessionContextAction.AllowAndUpdate,
    };

    /// <summary>Gets what another user-agent family does.</summary>
    /// <value><see cref="SessionContextAction.RequireStepUp"/>.</value>
    public SessionContextAction UserAgentFamily { get; init; } = SessionContextAction.RequireStepUp;

    /// <summary>Gets what another IP network does.</summary>
    /// <value><see cref="SessionContextAction.AllowAndUpdate"/>.</value>
    public SessionContextAction IpNetwork { get; init; } = SessionContextAction.AllowAndUpdate;

    /// <summary>Gets what another device id does.</summary>
    /// <value><see cref="SessionContextAction.Revoke"/>.</value>
    public SessionContextAction DeviceId { get; init; } = SessionContextAction.Revoke;

    /// <summary>Gets the action for <paramref name="signal"/>.</summary>
    /// <param name="signal">The signal.</param>
    /// <returns>The action.</returns>
    public SessionContextAction ActionFor(SessionContextSignal signal) => signal switch
    {
        SessionContextSignal.UserAgentFamily => UserAgentFamily,
        SessionContextSignal.IpNetwork => IpNetwork,
        _ => DeviceId,
    };

    /// <summary>Lists the problems of this policy (an undefined action), naming the setting; empty when valid.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var (name, action) in new[] { (nameof(UserAgentFamily), UserAgentFamily), (nameof(IpNetwork), IpNetwork), (nameof(DeviceId), DeviceId) })
        {
            if (!Enum.IsDefined(action))
            {
                problems.Add($"ContextPolicy.{name} must be a defined SessionContextAction.");
            }
        }

        return problems;
    }
}
