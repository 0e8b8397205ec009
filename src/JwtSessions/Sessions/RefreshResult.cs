using System.Diagnostics.CodeAnalysis;
using JwtSessions.Validation;

namespace JwtSessions.Sessions;

/// <summary>The outcome of <see cref="SessionManager.RefreshAsync(string?, SessionRequestContext?, CancellationToken)"/>: a new pair, or a typed failure.</summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class RefreshResult
{
    private RefreshResult(RefreshStatus status, SessionTokens? tokens, string? sessionId, string? subject, TokenValidationError tokenError)
    {
        Status = status;
        Tokens = tokens;
        SessionId = sessionId;
        Subject = subject;
        TokenError = tokenError;
    }

    /// <summary>Gets what happened.</summary>
    public RefreshStatus Status { get; }

    /// <summary>Gets a value indicating whether a usable pair was issued; <see cref="Tokens"/> is then not <see langword="null"/>.</summary>
    [MemberNotNullWhen(true, nameof(Tokens))]
    public bool Succeeded => Status is RefreshStatus.Rotated or RefreshStatus.GraceReissued;

    /// <summary>Gets the new pair when <see cref="Succeeded"/>.</summary>
    public SessionTokens? Tokens { get; }

    /// <summary>Gets the session id the refresh token named, once it validated.</summary>
    public string? SessionId { get; }

    /// <summary>Gets the subject of the session, once the refresh token validated.</summary>
    public string? Subject { get; }

    /// <summary>Gets why the refresh token itself was rejected when <see cref="Status"/> is <see cref="RefreshStatus.InvalidToken"/>.</summary>
    public TokenValidationError TokenError { get; }

    /// <inheritdoc />
    public override string ToString() => Status == RefreshStatus.InvalidToken
        ? $"{Status} ({TokenError.ToCode()})"
        : $"{Status} (session {SessionId})";

    internal static RefreshResult Success(RefreshStatus status, SessionTokens tokens)
        => new(status, tokens, tokens.SessionId, tokens.Subject, TokenValidationError.None);

    internal static RefreshResult Invalid(TokenValidationError error) => new(RefreshStatus.InvalidToken, null, null, null, error);

    internal static RefreshResult Failure(RefreshStatus status, string? sessionId, string? subject)
        => new(status, null, sessionId, subject, TokenValidationError.None);
}
