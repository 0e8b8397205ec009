using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace JwtSessions.Validation;

/// <summary>
/// The claims of a validated token, read in place from the decoded payload in the caller's buffer: reading them allocates
/// nothing. Returned by the <c>TryValidate</c> methods of <see cref="TokenValidator"/>.
/// </summary>
/// <remarks>
/// <para>
/// Strings come as UTF-8 spans over the payload. A value written with JSON escapes (<c>"\u0041"</c>) cannot be a slice of the
/// payload, so it is unescaped into a new array; tokens from <see cref="Issuance.TokenIssuer"/> never carry escaped standard
/// claims. Call <see cref="ToClaims"/> for strings, lists and any other claim, at the cost of the allocations
/// <see cref="TokenClaims"/> makes.
/// </para>
/// <para>
/// The view is only meaningful when <c>Validate</c> returned <see cref="TokenValidationError.None"/>; on any other result it is
/// <see cref="IsEmpty"/> and every accessor reads as absent. It lives as long as the buffer it reads, so it cannot be stored.
/// </para>
/// </remarks>
/// <threadsafety>A stack-only view of the caller's buffer; use it on the thread that called <c>Validate</c>.</threadsafety>
public readonly ref struct TokenClaimsView
{
    private readonly ReadOnlySpan<byte> _payload;
    private readonly ClaimSlots _slots;

    internal TokenClaimsView(ReadOnlySpan<byte> payload, scoped in ClaimSlots slots)
    {
        _payload = payload;
        _slots = slots;
    }

    /// <summary>Gets a value indicating whether the view holds no claims (the token was not valid).</summary>
    public bool IsEmpty => _payload.IsEmpty;

    /// <summary>Gets <c>iss</c>, UTF-8.</summary>
    public ReadOnlySpan<byte> IssuerUtf8 => Utf8At(_slots.Iss);

    /// <summary>Gets <c>sub</c>, UTF-8.</summary>
    public ReadOnlySpan<byte> SubjectUtf8 => Utf8At(_slots.Sub);

    /// <summary>Gets <c>jti</c>, UTF-8.</summary>
    public ReadOnlySpan<byte> TokenIdUtf8 => Utf8At(_slots.Jti);

    /// <summary>Gets <c>sid</c>, UTF-8; empty when the token has none.</summary>
    public ReadOnlySpan<byte> SessionIdUtf8 => Utf8At(_slots.Sid);

    /// <summary>Gets <c>client_id</c>, UTF-8; empty when the token has none.</summary>
    public ReadOnlySpan<byte> ClientIdUtf8 => Utf8At(_slots.ClientId);

    /// <summary>Gets <c>scope</c> as sent (space-separated names), UTF-8; empty when the token has none.</summary>
    public ReadOnlySpan<byte> ScopeUtf8 => Utf8At(_slots.Scope);

    /// <summary>Gets whether the token has a <c>sid</c>.</summary>
    public bool HasSessionId => !IsEmpty && _slots.Sid.IsPresent;

    /// <summary>Gets <c>exp</c>; <see cref="DateTimeOffset.MinValue"/> when <see cref="IsEmpty"/>.</summary>
    public DateTimeOffset ExpiresAt => IsEmpty ? DateTimeOffset.MinValue : DateTimeOffset.FromUnixTimeMilliseconds(_slots.Exp);

    /// <summary>Gets <c>iat</c>; <see cref="DateTimeOffset.MinValue"/> when <see cref="IsEmpty"/>.</summary>
    public DateTimeOffset IssuedAt => IsEmpty ? DateTimeOffset.MinValue : DateTimeOffset.FromUnixTimeMilliseconds(_slots.Iat);

    /// <summary>Gets <c>nbf</c>, or <see langword="null"/> when absent.</summary>
    public DateTimeOffset? NotBefore
        => IsEmpty || _slots.Nbf == ClaimSlots.Missing ? null : DateTimeOffset.FromUnixTimeMilliseconds(_slots.Nbf);

    /// <summary>Gets the decoded payload JSON, UTF-8, as the signature covered it.</summary>
    public ReadOnlySpan<byte> PayloadUtf8 => _payload;

    /// <summary>Gets whether <c>scope</c> contains <paramref name="scopeUtf8"/> (exact, case-sensitive).</summary>
    /// <param name="scopeUtf8">The scope name, UTF-8.</param>
    /// <returns><see langword="true"/> when the token carries the scope.</returns>
    public bool HasScope(ReadOnlySpan<byte> scopeUtf8)
    {
        var rest = ScopeUtf8;
        while (!rest.IsEmpty)
        {
            var space = rest.IndexOf((byte)' ');
            var name = space < 0 ? rest : rest[..space];
            if (!name.IsEmpty && name.SequenceEqual(scopeUtf8))
            {
                return true;
            }

            rest = space < 0 ? default : rest[(space + 1)..];
        }

        return false;
    }

    /// <summary>Gets whether <c>scope</c> contains <paramref name="scope"/> (exact, case-sensitive).</summary>
    /// <param name="scope">The scope name; names longer than 256 UTF-8 bytes never match.</param>
    /// <returns><see langword="true"/> when the token carries the scope.</returns>
    [SkipLocalsInit]
    public bool HasScope(ReadOnlySpan<char> scope)
    {
        Span<byte> utf8 = stackalloc byte[256];
        return Utf8.FromUtf16(scope, utf8, out _, out var written, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done
            && HasScope(utf8[..written]);
    }

    /// <summary>Copies the claims into a <see cref="TokenClaims"/>, for strings, lists and any other claim.</summary>
    /// <returns>The claims.</returns>
    /// <exception cref="InvalidOperationException">The view <see cref="IsEmpty"/>.</exception>
    public TokenClaims ToClaims()
        => IsEmpty ? throw new InvalidOperationException("The token was not valid: there are no claims.") : new TokenClaims(_payload.ToArray(), _slots);

    /// <inheritdoc />
    public override string ToString() => IsEmpty ? "(no claims)" : $"sub {Encoding.UTF8.GetString(SubjectUtf8)}";

    private ReadOnlySpan<byte> Utf8At(StringClaim slot)
    {
        if (!slot.IsPresent || IsEmpty)
        {
            return default;
        }

        return slot.TryRaw(_payload, out var raw) ? raw : ClaimsReader.Unescape(_payload, slot.Start, new byte[_payload.Length]);
    }
}
