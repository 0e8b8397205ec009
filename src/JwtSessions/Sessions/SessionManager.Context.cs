using JwtSessions.Internal;

namespace JwtSessions.Sessions;

public sealed partial class SessionManager
{
    /// <summary>
    /// Raised for each context signal of a refresh that differs from the session's (another user-agent family, network or
    /// device id), with the old and new values and the action <see cref="SessionManagerOptions.ContextPolicy"/> took.
    /// Handlers run on the refreshing thread; an exception from one is swallowed.
    /// </summary>
    public event EventHandler<SessionContextChangedEventArgs>? ContextChanged;

    /// <summary>The metadata a new session starts with: the caller's, completed from the sign-in request's context.</summary>
    private static SessionMetadata SignInMetadata(SessionMetadata metadata, SessionRequestContext? context, DateTimeOffset now)
        => context is null ? metadata : metadata with
        {
            IpAddress = metadata.IpAddress ?? context.IpAddress,
            UserAgent = metadata.UserAgent ?? context.UserAgent,
            DeviceId = metadata.DeviceId ?? context.DeviceId,
            LastSeenAt = now,
            LastSeenIpAddress = context.IpAddress ?? metadata.IpAddress,
        };

    /// <summary>
    /// Compares a refresh's context with the session's metadata and applies <see cref="SessionManagerOptions.ContextPolicy"/>,
    /// before any rotation is stored: a step-up or a revocation leaves no rotated session behind. Returns the refusal, or the
    /// metadata to store with the rotation (the last-seen time and address, and the values the policy accepts).
    /// </summary>
    /// <remarks>
    /// The rotation that follows is a compare-and-advance on the generation read here, and metadata changes only with a
    /// rotation, so the metadata stored is never built from a stale read: a concurrent rotation makes this one fail instead.
    /// A session that is unknown, inactive or not at the presented generation (or the one before, the grace window) is left
    /// to the rotation, which reports it.
    /// </remarks>
    private async ValueTask<(RefreshResult? Refusal, SessionMetadata? Metadata)> CheckContextAsync(
        string sessionId, long generation, SessionRequestContext context, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await StoreCallAsync(static (store, id, ct) => store.GetAsync(id, ct), sessionId, "refresh", cancellationToken).ConfigureAwait(false);
        if (current is null || !current.IsActiveAt(now) || (generation != current.Generation && generation != current.Generation - 1))
        {
            return (null, null);
        }

        var stored = current.Metadata;
        var strongest = SessionContextAction.AllowAndUpdate;
        var userAgent = Compare(current, SessionContextSignal.UserAgentFamily, stored.UserAgent, context.UserAgent, RequestSignals.UserAgentFamily, ref strongest);
        var address = Compare(current, SessionContextSignal.IpNetwork, stored.IpAddress, context.IpAddress, RequestSignals.IpNetwork, ref strongest);
        var device = Compare(current, SessionContextSignal.DeviceId, stored.DeviceId, context.DeviceId, static id => id, ref strongest);

        switch (strongest)
        {
            case SessionContextAction.Revoke:
                // Not cancellable, like a detected replay: the decision is made, and an aborted request must not undo it.
                await RevokeCoreAsync(sessionId, SessionEndReason.ContextChanged, CancellationToken.None).ConfigureAwait(false);
                return (RefreshResult.Failure(RefreshStatus.ContextRevoked, sessionId, current.Subject), null);
            case SessionContextAction.RequireStepUp:
                return (RefreshResult.Failure(RefreshStatus.StepUpRequired, sessionId, current.Subject), null);
            default:
                return (null, stored with
                {
                    UserAgent = userAgent,
                    IpAddress = address,
                    DeviceId = device,
                    LastSeenAt = now,
                    LastSeenIpAddress = context.IpAddress ?? stored.LastSeenIpAddress,
                });
        }
    }

    /// <summary>
    /// Compares one signal; reports a change (event, log, metric) and raises <paramref name="strongest"/> to its action.
    /// Returns the value to store: the request's when the stored one is unknown, the family is unchanged or the change is
    /// allowed and updated; else the stored one.
    /// </summary>
    private string? Compare(
        SessionRecord session, SessionContextSignal signal, string? storedValue, string? requestValue, Func<string?, string?> form, ref SessionContextAction strongest)
    {
        var before = form(storedValue);
        var after = form(requestValue);
        if (after is null)
        {
            return storedValue;
        }

        if (before is null || string.Equals(before, after, StringComparison.Ordinal))
        {
            return requestValue;
        }

        var action = _contextPolicy.ActionFor(signal);
        strongest = action > strongest ? action : strongest;
        Log.ContextChanged(_logger, session.SessionId, session.Subject, signal, before, after, action);
        _metrics.ContextChanged(signal.ToString(), action.ToString());
        try
        {
            ContextChanged?.Invoke(this, new SessionContextChangedEventArgs(session.SessionId, session.Subject, signal, before, after, action));
        }
#pragma warning disable CA1031 // A failing observer must not turn a decision into a reported store outage.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return action == SessionContextAction.AllowAndUpdate ? requestValue : storedValue;
    }
}
