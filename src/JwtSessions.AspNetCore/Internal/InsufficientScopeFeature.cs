namespace JwtSessions.AspNetCore.Internal;

/// <summary>
/// Left on the request by the scope authorization handler when a scope requirement failed, so the bearer handler's 403
/// names the scopes (RFC 6750 §3.1, <c>insufficient_scope</c>).
/// </summary>
internal sealed class InsufficientScopeFeature(IReadOnlyList<string> requiredScopes)
{
    public IReadOnlyList<string> RequiredScopes { get; } = requiredScopes;
}
