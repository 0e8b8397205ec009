namespace JwtSessions.AspNetCore.Authentication;

/// <summary>
/// The callbacks of the JwtSessions bearer handler, named as JwtBearer's are, so an application adds its own checks (a
/// tenant rule, a user lock-out, a log line) without forking the handler. Set the <c>On…</c> properties, or derive and
/// override the methods.
/// </summary>
/// <remarks>
/// The handler creates a context only for a callback that is set (or overridden): with none, the success path allocates
/// nothing for events.
/// </remarks>
/// <threadsafety>Shared by every request of the scheme: callbacks must be thread-safe.</threadsafety>
public class JwtSessionsBearerEvents
{
    private static readonly Func<JwtSessionsMessageReceivedContext, Task> s_messageReceived = static _ => Task.CompletedTask;
    private static readonly Func<JwtSessionsTokenValidatedContext, Task> s_tokenValidated = static _ => Task.CompletedTask;
    private static readonly Func<JwtSessionsAuthenticationFailedContext, Task> s_authenticationFailed = static _ => Task.CompletedTask;
    private static readonly Func<JwtSessionsChallengeContext, Task> s_challenge = static _ => Task.CompletedTask;
    private static readonly Func<JwtSessionsForbiddenContext, Task> s_forbidden = static _ => Task.CompletedTask;

    /// <summary>
    /// Gets or sets the callback raised before the handler reads the token: set <see cref="JwtSessionsMessageReceivedContext.Token"/>
    /// to take the token from elsewhere (it is then validated as a bare token), or decide the result.
    /// </summary>
    public Func<JwtSessionsMessageReceivedContext, Task> OnMessageReceived { get; set; } = s_messageReceived;

    /// <summary>
    /// Gets or sets the callback raised after a token passed every check, with its claims and the principal: add claims, or
    /// call <see cref="Microsoft.AspNetCore.Authentication.ResultContext{TOptions}.Fail(string)"/> to refuse it.
    /// </summary>
    public Func<JwtSessionsTokenValidatedContext, Task> OnTokenValidated { get; set; } = s_tokenValidated;

    /// <summary>Gets or sets the callback raised when a token was refused, with the reason.</summary>
    public Func<JwtSessionsAuthenticationFailedContext, Task> OnAuthenticationFailed { get; set; } = s_authenticationFailed;

    /// <summary>
    /// Gets or sets the callback raised before the 401 answer is written; call
    /// <see cref="JwtSessionsChallengeContext.HandleResponse"/> to write it yourself.
    /// </summary>
    public Func<JwtSessionsChallengeContext, Task> OnChallenge { get; set; } = s_challenge;

    /// <summary>
    /// Gets or sets the callback raised before the 403 answer is written; call
    /// <see cref="JwtSessionsForbiddenContext.HandleResponse"/> to write it yourself.
    /// </summary>
    public Func<JwtSessionsForbiddenContext, Task> OnForbidden { get; set; } = s_forbidden;

    internal bool HandlesMessageReceived => !ReferenceEquals(OnMessageReceived, s_messageReceived) || GetType() != typeof(JwtSessionsBearerEvents);

    internal bool HandlesAuthenticationFailed => !ReferenceEquals(OnAuthenticationFailed, s_authenticationFailed) || GetType() != typeof(JwtSessionsBearerEvents);

    internal bool HandlesTokenValidated => !ReferenceEquals(OnTokenValidated, s_tokenValidated) || GetType() != typeof(JwtSessionsBearerEvents);

    /// <summary>Raises <see cref="OnMessageReceived"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The callback's task.</returns>
    public virtual Task MessageReceived(JwtSessionsMessageReceivedContext context) => OnMessageReceived(context);

    /// <summary>Raises <see cref="OnTokenValidated"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The callback's task.</returns>
    public virtual Task TokenValidated(JwtSessionsTokenValidatedContext context) => OnTokenValidated(context);

    /// <summary>Raises <see cref="OnAuthenticationFailed"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The callback's task.</returns>
    public virtual Task AuthenticationFailed(JwtSessionsAuthenticationFailedContext context) => OnAuthenticationFailed(context);

    /// <summary>Raises <see cref="OnChallenge"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The callback's task.</returns>
    public virtual Task Challenge(JwtSessionsChallengeContext context) => OnChallenge(context);

    /// <summary>Raises <see cref="OnForbidden"/>.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The callback's task.</returns>
    public virtual Task Forbidden(JwtSessionsForbiddenContext context) => OnForbidden(context);
}
