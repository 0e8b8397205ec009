using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace JwtSessions.Validation;

/// <summary>
/// The outcome of validating a token: valid with its <see cref="Claims"/>, or invalid with an <see cref="Error"/>.
/// </summary>
/// <remarks>
/// A bad token never throws; the result says why. <see langword="default"/> reads as invalid
/// (<see cref="TokenValidationError.NotValidated"/>), so a result that was never filled in cannot pass for a valid one.
/// </remarks>
/// <threadsafety>An immutable value; safe to share.</threadsafety>
public readonly struct JwtValidationResult
{
    private readonly TokenClaims? _claims;
    private readonly TokenValidationError _error;

    internal JwtValidationResult(TokenClaims claims)
    {
        _claims = claims;
        _error = TokenValidationError.None;
    }

    private JwtValidationResult(TokenValidationError error)
    {
        _claims = null;
        _error = error;
    }

    /// <summary>Gets a value indicating whether the token passed every check.</summary>
    [MemberNotNullWhen(true, nameof(Claims))]
    public bool IsValid => _claims is not null;

    /// <summary>Gets why the token was rejected, or <see cref="TokenValidationError.None"/> when valid.</summary>
    public TokenValidationError Error => _claims is not null
        ? TokenValidationError.None
        : _error == TokenValidationError.None ? TokenValidationError.NotValidated : _error;

    /// <summary>Gets the validated claims, or <see langword="null"/> when invalid.</summary>
    public TokenClaims? Claims => _claims;

    /// <summary>Gets <c>sub</c>, or <see langword="null"/> when invalid.</summary>
    public string? Subject => _claims?.Subject;

    /// <summary>Gets <c>sid</c>, or <see langword="null"/> when invalid or absent.</summary>
    public string? SessionId => _claims?.SessionId;

    /// <summary>Gets <c>jti</c>, or <see langword="null"/> when invalid.</summary>
    public string? TokenId => _claims?.TokenId;

    /// <summary>Gets <c>exp</c>, or <see langword="null"/> when invalid.</summary>
    public DateTimeOffset? ExpiresAt => _claims?.ExpiresAt;

    /// <summary>Gets <c>iat</c>, or <see langword="null"/> when invalid.</summary>
    public DateTimeOffset? IssuedAt => _claims?.IssuedAt;

    /// <summary>Gets the scope names, empty when invalid.</summary>
    public IReadOnlyList<string> Scopes => _claims?.Scopes ?? [];

    /// <summary>Gets the audiences, empty when invalid.</summary>
    public IReadOnlyList<string> Audiences => _claims?.Audiences ?? [];

    /// <summary>Gets any claim by name; always <see langword="false"/> when invalid.</summary>
    /// <param name="name">The claim name.</param>
    /// <param name="value">The claim value.</param>
    /// <returns><see langword="true"/> when the token is valid and carries the claim.</returns>
    public bool TryGetClaim(string name, out JsonElement value)
    {
        value = default;
        return _claims is not null && _claims.TryGetClaim(name, out value);
    }

    /// <summary>Throws <see cref="TokenValidationException"/> when the token is invalid.</summary>
    /// <returns>The validated claims.</returns>
    /// <exception cref="TokenValidationException">The token is invalid; <see cref="TokenValidationException.Error"/> says why.</exception>
    public TokenClaims ThrowIfInvalid() => _claims ?? throw new TokenValidationException(Error);

    /// <inheritdoc />
    public override string ToString() => IsValid ? $"valid (sub {Subject})" : $"invalid: {Error.ToCode()}";

    internal static JwtValidationResult Fail(TokenValidationError error) => new(error);
}
