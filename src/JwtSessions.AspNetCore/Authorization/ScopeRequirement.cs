using JwtSessions.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace JwtSessions.AspNetCore.Authorization;

/// <summary>
/// Requires that the user's token carries every one of <see cref="Scopes"/> (as <c>scope</c> claims, exact and
/// case-sensitive). When it does not, the JwtSessions bearer handler answers 403 with RFC 6750
/// <c>error="insufficient_scope"</c> and <c>scope="…"</c>.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class ScopeRequirement : IAuthorizationRequirement
{
    private readonly string[] _scopes;

    /// <summary>Initializes a new instance of the <see cref="ScopeRequirement"/> class.</summary>
    /// <param name="scopes">The required scopes; at least one, none empty or containing a space.</param>
    /// <exception cref="ArgumentException">No scope, or an empty one or one containing a space or a quote.</exception>
    public ScopeRequirement(params IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        _scopes = [.. scopes];
        if (_scopes.Length == 0)
        {
            throw new ArgumentException("At least one scope is required.", nameof(scopes));
        }

        foreach (var scope in _scopes)
        {
            // RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E.
            if (string.IsNullOrEmpty(scope) || scope.AsSpan().ContainsAnyExcept(ScopeTokenChars.Allowed))
            {
                throw new ArgumentException($"'{scope}' is not a scope name (RFC 6749 §3.3: printable ASCII, no space, quote or backslash).", nameof(scopes));
            }
        }
    }

    /// <summary>Gets the required scopes.</summary>
    public IReadOnlyList<string> Scopes => _scopes;

    /// <inheritdoc />
    public override string ToString() => $"{JwtSessionsClaimTypes.Scope}: {string.Join(' ', _scopes)}";
}
