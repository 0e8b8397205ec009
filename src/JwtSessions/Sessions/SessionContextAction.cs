namespace JwtSessions.Sessions;

/// <summary>What the session manager does when a refresh's context differs from the session's (<see cref="SessionContextPolicy"/>).</summary>
/// <remarks>Every change raises <see cref="SessionManager.ContextChanged"/> whatever the action; when signals disagree, the strongest action wins.</remarks>
public enum SessionContextAction
{
    /// <summary>Refresh, and store the new value as the session's baseline.</summary>
    AllowAndUpdate = 1,

    /// <summary>Refresh, and keep the old baseline, so every later refresh from the new context is reported again.</summary>
    Flag,

    /// <summary>Refuse with <see cref="RefreshStatus.StepUpRequired"/>: nothing rotated, the session left as it was.</summary>
    RequireStepUp,

    /// <summary>Revoke the session and refuse with <see cref="RefreshStatus.ContextRevoked"/>, before anything is rotated.</summary>
    Revoke,
}
