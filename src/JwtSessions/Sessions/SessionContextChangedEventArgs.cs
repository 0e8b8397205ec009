namespace JwtSessions.Sessions;

/// <summary>Data of <see cref="SessionManager.ContextChanged"/>: a refresh whose context differs from the session's.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class SessionContextChangedEventArgs : EventArgs
{
    internal SessionContextChangedEventArgs(
        string sessionId, string subject, SessionContextSignal signal, string oldValue, string newValue, SessionContextAction action)
    {
        SessionId = sessionId;
        Subject = subject;
        Signal = signal;
        OldValue = oldValue;
        NewValue = newValue;
        Action = action;
    }

    /// <summary>Gets the session id.</summary>
    public string SessionId { get; }

    /// <summary>Gets the session's subject.</summary>
    public string Subject { get; }

    /// <summary>Gets which signal changed.</summary>
    public SessionContextSignal Signal { get; }

    /// <summary>Gets the session's value (a user-agent family, a network such as <c>203.0.113.0/24</c>, or a device id).</summary>
    public string OldValue { get; }

    /// <summary>Gets the request's value, in the same form.</summary>
    public string NewValue { get; }

    /// <summary>Gets what the policy decided for this signal (the refresh follows the strongest decision of all signals).</summary>
    public SessionContextAction Action { get; }
}
