using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace JwtSessions.Validation;

/// <summary>
/// The claims of a token that passed every check. Validation reads and checks the registered claims in one pass and keeps
/// only their positions in the payload; the strings and lists below are made on first use, and any other claim is parsed on
/// demand with <see cref="TryGetClaim"/>.
/// </summary>
/// <remarks>
/// A successful validation allocates this object and one copy of the decoded payload, nothing else (docs/benchmarks.md). A
/// caller that never reads <see cref="Subject"/> or <see cref="Scopes"/> never pays for them; each is made once and then reused.
/// To allocate nothing at all, validate into a buffer and read a <see cref="TokenClaimsView"/> instead.
/// </remarks>
/// <threadsafety>Immutable in every observable way; safe to share across threads (values made on first use are idempotent).</threadsafety>
public sealed class TokenClaims
{
    private readonly byte[] _payload;
    private readonly ClaimSlots _slots;
    private string? _issuer;
    private string? _subject;
    private string? _tokenId;
    private string? _sessionId;
    private string? _scope;
    private string? _clientId;
    private string[]? _audiences;
    private string[]? _scopes;
    private StrongBox<JsonElement>? _root;

    /// <summary>Wraps a checked payload and where each of its claims is.</summary>
    internal TokenClaims(byte[] payload, in ClaimSlots slots)
    {
        _payload = payload;
        _slots = slots;
    }

    /// <summary>Gets <c>iss</c>.</summary>
    public string Issuer => _issuer ??= StringAt(_slots.Iss)!;

    /// <summary>Gets <c>sub</c>, the subject (user) the token was issued to.</summary>
    public string Subject => _subject ??= StringAt(_slots.Sub)!;

    /// <summary>Gets <c>jti</c>, the unique token id.</summary>
    public string TokenId => _tokenId ??= StringAt(_slots.Jti)!;

    /// <summary>Gets <c>sid</c>, the session id, or <see langword="null"/> for a token outside any session.</summary>
    public string? SessionId => !_slots.Sid.IsPresent ? null : _sessionId ??= StringAt(_slots.Sid);

    /// <summary>Gets <c>aud</c> as a list (a single string becomes one entry).</summary>
    public IReadOnlyList<string> Audiences => _audiences ??= ReadAudiences();

    /// <summary>Gets <c>exp</c>.</summary>
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtUnixMilliseconds);

    /// <summary>Gets <c>iat</c>.</summary>
    public DateTimeOffset IssuedAt => DateTimeOffset.FromUnixTimeMilliseconds(IssuedAtUnixMilliseconds);

    /// <summary>Gets <c>nbf</c>, or <see langword="null"/> when absent.</summary>
    public DateTimeOffset? NotBefore => NotBeforeUnixMilliseconds is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    /// <summary>Gets <c>scope</c> as sent: space-separated scope names (RFC 8693 §4.2), or <see langword="null"/>.</summary>
    public string? Scope => !_slots.Scope.IsPresent ? null : _scope ??= StringAt(_slots.Scope);

    /// <summary>Gets the scope names of <c>scope</c>.</summary>
    public IReadOnlyList<string> Scopes => _scopes ??= Scope is { Length: > 0 } scope ? scope.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>Gets <c>client_id</c> (RFC 9068 §2.2), or <see langword="null"/>.</summary>
    public string? ClientId => !_slots.ClientId.IsPresent ? null : _clientId ??= StringAt(_slots.ClientId);

    /// <summary>
    /// Gets <c>cnf.jkt</c> (RFC 9449 §6.1): the thumbprint of the key a DPoP-bound token is bound to, or <see langword="null"/>
    /// for a bearer token.
    /// </summary>
    /// <remarks>Read from the payload on each call (bound tokens only): the claims of every other token carry nothing for it.</remarks>
    public string? KeyThumbprint
        => _slots.Bound && TryGetClaim("cnf", out var cnf) && cnf.TryGetProperty("jkt", out var jkt) && jkt.ValueKind == JsonValueKind.String
            ? jkt.GetString()
            : null;

    /// <summary>Gets the raw payload JSON (UTF-8).</summary>
    public ReadOnlyMemory<byte> Payload => _payload;

    /// <summary>Gets whether the token has a <c>cnf</c> claim: it is bound to a key and never accepted as a bearer token.</summary>
    internal bool IsBound => _slots.Bound;

    internal long ExpiresAtUnixMilliseconds => _slots.Exp;

    internal long IssuedAtUnixMilliseconds => _slots.Iat;

    internal long? NotBeforeUnixMilliseconds => _slots.Nbf == ClaimSlots.Missing ? null : _slots.Nbf;

    /// <summary>Gets the refresh-token generation counter (<c>gen</c>), present on refresh tokens only.</summary>
    internal long? Generation => _slots.Gen == ClaimSlots.Missing ? null : _slots.Gen;

    /// <summary>Gets where each claim is in <see cref="Payload"/>.</summary>
    internal ref readonly ClaimSlots Slots => ref _slots;

    /// <summary>Gets whether <c>scope</c> contains <paramref name="scope"/> (exact, case-sensitive).</summary>
    /// <param name="scope">The scope name.</param>
    /// <returns><see langword="true"/> when the token carries the scope.</returns>
    public bool HasScope(string scope)
    {
        foreach (var s in Scopes)
        {
            if (string.Equals(s, scope, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gets any claim by name, parsed on first use. The payload was already checked to be strict JSON.</summary>
    /// <param name="name">The claim name.</param>
    /// <param name="value">The claim value.</param>
    /// <returns><see langword="true"/> when the claim is present.</returns>
    public bool TryGetClaim(string name, out JsonElement value)
    {
        // A box, not a JsonElement? field: the box is published by one reference write, so a reader on another thread
        // never sees a half-written element.
        var root = _root ??= ParseRoot();
        return root.Value.TryGetProperty(name, out value);
    }

    private StrongBox<JsonElement> ParseRoot()
    {
        using var document = JsonDocument.Parse(_payload);
        return new StrongBox<JsonElement>(document.RootElement.Clone());
    }

    private string? StringAt(StringClaim slot)
    {
        if (!slot.IsPresent)
        {
            return null;
        }

        if (slot.TryRaw(_payload, out var raw))
        {
            return Encoding.UTF8.GetString(raw);
        }

        var reader = new Utf8JsonReader(_payload.AsSpan(slot.Start));
        reader.Read();
        return reader.GetString();
    }

    private string[] ReadAudiences()
    {
        var reader = new Utf8JsonReader(_payload.AsSpan(_slots.Aud));
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return [reader.GetString()!];
        }

        var audiences = new List<string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            audiences.Add(reader.GetString()!);
        }

        return [.. audiences];
    }
}
