using System.Buffers;
using System.Buffers.Text;
using System.Collections;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using JwtSessions.Internal;
using JwtSessions.Signing;
using JwtSessions.Validation;

namespace JwtSessions.Issuance;

/// <summary>
/// Mints compact JWS access tokens (RFC 9068 profile: <c>typ</c> <c>at+jwt</c>) signed with the active key of a key ring.
/// Every token carries <c>iss</c>, <c>sub</c>, <c>aud</c>, <c>exp</c>, <c>iat</c>, <c>nbf</c> and a random <c>jti</c>; no API issues a token without an expiry.
/// </summary>
/// <remarks>
/// <see cref="Issue"/> signs on the calling thread. A key whose private half is in a KMS or HSM
/// (<see cref="SigningKey.FromExternalSigner"/>) may only sign asynchronously: mint with <see cref="IssueAsync"/>, which
/// completes synchronously, at no extra cost, for every key that signs in-process.
/// </remarks>
/// <threadsafety>Immutable and thread-safe: share one instance.</threadsafety>
public sealed class TokenIssuer
{
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "scope", "client_id", "gen", "cnf",
    };

#pragma warning disable IDE1006 // [ThreadStatic] fields are t_camelCase (AGENTS.md)
    [ThreadStatic]
    private static PayloadScratch? t_scratch;
#pragma warning restore IDE1006

    private static readonly System.Buffers.SearchValues<char> s_mediaTypeCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&^_.+-");

    private readonly string _issuer;
    private readonly string[] _audiences;
    private readonly SigningKey _key;
    private readonly byte[] _encodedHeader;
    private readonly byte[] _payloadStart;
    private readonly byte[] _audienceAndExpiry;
    private readonly TimeSpan _defaultLifetime;
    private readonly TimeSpan _maxLifetime;
    private readonly TimeProvider _time;
    private readonly bool _signsSynchronously;
    private readonly int _maxTokenSize;

    /// <summary>Initializes a new instance of the <see cref="TokenIssuer"/> class.</summary>
    /// <param name="options">The configuration; copied and checked.</param>
    /// <exception cref="ArgumentException">
    /// The issuer, an audience or a signing key is missing, or a lifetime is zero, negative, above the maximum, or above
    /// <see cref="TokenIssuerOptions.MaxAllowedLifetime"/>.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The ring's active key has been disposed.</exception>
    public TokenIssuer(TokenIssuerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _key = options.Keys!.ActiveKey!;
        ObjectDisposedException.ThrowIf(_key.IsDisposed, _key);
        _issuer = options.Issuer!;
        _audiences = [.. options.Audiences];
        _defaultLifetime = options.DefaultLifetime;
        _maxLifetime = options.MaxLifetime;
        _time = options.TimeProvider ?? TimeProvider.System;
        _signsSynchronously = _key.SignsSynchronously;
        _maxTokenSize = options.MaxTokenSize;
        _encodedHeader = EncodeHeader(_key, options.Type);
        (_payloadStart, _audienceAndExpiry) = EncodeFixedMembers(_issuer, _audiences);
    }

    /// <summary>Gets the key tokens are signed with.</summary>
    public SigningKey SigningKey => _key;

    /// <summary>Gets the longest lifetime this issuer grants.</summary>
    public TimeSpan MaxLifetime => _maxLifetime;

    /// <summary>Mints an access token.</summary>
    /// <param name="descriptor">The subject, session, lifetime, scopes and custom claims.</param>
    /// <returns>The token and its id and times.</returns>
    /// <exception cref="ArgumentException">
    /// The subject is empty, the session id is empty, a scope name is empty or has a space, the lifetime is under one second
    /// or above the maximum, a custom claim uses a reserved name, a claim value is not a string, number, boolean or array of
    /// these, a string has an unpaired surrogate, or the custom claims make a payload the validator rejects (more than 256
    /// member names, nesting deeper than 16, a name twice in one object).
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The key signs through a remote <see cref="ExternalSigner"/>, which has no synchronous path: use <see cref="IssueAsync"/>.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The signing key has been disposed.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">An external signer returned a signature that does not verify.</exception>
    public IssuedToken Issue(AccessTokenDescriptor descriptor)
    {
        ThrowIfRemoteOnly();
        var lifetime = CheckDescriptor(descriptor);
        return Mint(_time.GetUtcNow(), descriptor.Subject, descriptor.SessionId, lifetime, notAfter: null, generation: null, descriptor.Scopes, descriptor.ClientId, descriptor.Claims, descriptor.KeyThumbprint);
    }

    /// <summary>
    /// Mints an access token, awaiting the key's signer when it is remote (a KMS or HSM behind
    /// <see cref="SigningKey.FromExternalSigner"/>). With any other key it completes synchronously and costs what
    /// <see cref="Issue"/> costs.
    /// </summary>
    /// <param name="descriptor">The subject, session, lifetime, scopes and custom claims.</param>
    /// <param name="cancellationToken">Cancels the wait for a remote signer.</param>
    /// <returns>The token and its id and times.</returns>
    /// <exception cref="ArgumentException">The descriptor is invalid, as for <see cref="Issue"/> (thrown before anything is signed).</exception>
    /// <exception cref="ObjectDisposedException">The signing key has been disposed.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// The external signer returned a signature that does not verify with the key's public half: no token is issued.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    public ValueTask<IssuedToken> IssueAsync(AccessTokenDescriptor descriptor, CancellationToken cancellationToken = default)
    {
        var lifetime = CheckDescriptor(descriptor);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<IssuedToken>(cancellationToken)
            : MintAsync(_time.GetUtcNow(), descriptor.Subject, descriptor.SessionId, lifetime, notAfter: null, generation: null, descriptor.Scopes, descriptor.ClientId, descriptor.Claims, descriptor.KeyThumbprint, cancellationToken);
    }

    /// <summary>The checks of <see cref="Issue"/> and <see cref="IssueAsync"/> on the caller's descriptor; returns the lifetime.</summary>
    private TimeSpan CheckDescriptor(AccessTokenDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.SessionId is { Length: 0 })
        {
            // The validator rejects an empty sid (invalid_claim): never mint what it refuses.
            throw new ArgumentException("A session id, when given, must not be empty.", nameof(descriptor));
        }

        CheckScopes(descriptor.Scopes, nameof(descriptor));
        CheckKeyThumbprint(descriptor.KeyThumbprint);
        var lifetime = descriptor.Lifetime ?? _defaultLifetime;
        if (descriptor.Claims.Count > 0)
        {
            foreach (var name in descriptor.Claims.Keys)
            {
                if (s_reserved.Contains(name))
                {
                    throw new ArgumentException($"The claim name '{name}' is reserved; set it through the descriptor or the issuer.", nameof(descriptor));
                }
            }
        }

        return lifetime;
    }

    /// <summary>A <c>cnf.jkt</c> is an RFC 7638 SHA-256 thumbprint: 32 bytes, 43 canonical base64url characters.</summary>
    /// <exception cref="ArgumentException">The thumbprint is not of that form.</exception>
    private static void CheckKeyThumbprint(string? keyThumbprint)
    {
        if (keyThumbprint is not null
            && (keyThumbprint.Length != 43 || !System.Text.Ascii.IsValid(keyThumbprint) || !Base64UrlStrict.IsCanonical(Encoding.ASCII.GetBytes(keyThumbprint))))
        {
            throw new ArgumentException("A key thumbprint is the 43-character base64url SHA-256 thumbprint of a JWK (RFC 7638).", nameof(keyThumbprint));
        }
    }

    /// <summary>
    /// Scope names as RFC 6749 §3.3 has them: not empty, no space. The claim joins them with spaces and the validator splits
    /// on spaces, so "orders:read admin" would come back as two scopes (one of them granted by the name's author), and ""
    /// as none.
    /// </summary>
    /// <exception cref="ArgumentException">A scope name is null, empty or contains a space.</exception>
    internal static void CheckScopes(IList<string> scopes, string parameterName)
    {
        // Indexed, not foreach: enumerating through the interface would box the list's enumerator on every mint.
        for (var i = 0; i < scopes.Count; i++)
        {
            var scope = scopes[i];
            if (string.IsNullOrEmpty(scope) || scope.Contains(' ', StringComparison.Ordinal))
            {
                throw new ArgumentException("A scope name must be non-empty and contain no space (RFC 6749 §3.3).", parameterName);
            }
        }
    }

    /// <summary>
    /// Mints a token of this issuer's kind; sessions use it with <paramref name="notAfter"/> (a session deadline the token's
    /// <c>exp</c> never passes) and, for refresh tokens, a generation counter. <paramref name="now"/>, when given, is the
    /// instant the caller already judged the deadline against (it becomes <c>iat</c>), so a second clock read cannot cross a
    /// second boundary between that judgement and the token; by default the issuer's clock is read.
    /// </summary>
    /// <exception cref="InvalidOperationException">The key signs through a remote external signer only: use <see cref="MintAsync(string, string?, TimeSpan, DateTimeOffset?, long?, string?, string?, IDictionary{string, object}?, DateTimeOffset?, string?, CancellationToken)"/>.</exception>
    internal IssuedToken Mint(
        string subject,
        string? sessionId,
        TimeSpan lifetime,
        DateTimeOffset? notAfter,
        long? generation,
        string? scope = null,
        string? clientId = null,
        IDictionary<string, object>? claims = null,
        DateTimeOffset? now = null,
        string? keyThumbprint = null)
    {
        ThrowIfRemoteOnly();
        CheckKeyThumbprint(keyThumbprint);
        return Mint(now ?? _time.GetUtcNow(), subject, sessionId, lifetime, notAfter, generation, scope is null ? null : [scope], clientId, claims, keyThumbprint);
    }

    /// <summary>
    /// <see cref="Mint(string, string?, TimeSpan, DateTimeOffset?, long?, string?, string?, IDictionary{string, object}?, DateTimeOffset?, string?)"/>
    /// for every key, a remote external signer included: argument errors throw before anything is signed, and with a key that
    /// signs in-process the task is already complete.
    /// </summary>
    internal ValueTask<IssuedToken> MintAsync(
        string subject,
        string? sessionId,
        TimeSpan lifetime,
        DateTimeOffset? notAfter,
        long? generation,
        string? scope = null,
        string? clientId = null,
        IDictionary<string, object>? claims = null,
        DateTimeOffset? now = null,
        string? keyThumbprint = null,
        CancellationToken cancellationToken = default)
    {
        CheckKeyThumbprint(keyThumbprint);
        return cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<IssuedToken>(cancellationToken)
            : MintAsync(now ?? _time.GetUtcNow(), subject, sessionId, lifetime, notAfter, generation, scope is null ? null : [scope], clientId, claims, keyThumbprint, cancellationToken);
    }

    private void ThrowIfRemoteOnly()
    {
        if (!_signsSynchronously)
        {
            throw new InvalidOperationException(
                $"The signing key '{_key.KeyId}' signs through a remote external signer, which has no synchronous path: mint with {nameof(IssueAsync)}.");
        }
    }

    private IssuedToken Mint(
        DateTimeOffset now,
        string subject,
        string? sessionId,
        TimeSpan lifetime,
        DateTimeOffset? notAfter,
        long? generation,
        IList<string>? scopes,
        string? clientId,
        IDictionary<string, object>? claims,
        string? keyThumbprint)
    {
        var scratch = WritePayload(now, subject, sessionId, lifetime, notAfter, generation, scopes, clientId, claims, keyThumbprint, out var tokenId, out var issuedAt, out var expiresAt);
        try
        {
            ThrowIfTooLarge(scratch.Json.Length);
            var issued = new IssuedToken(
                Sign(scratch),
                tokenId,
                DateTimeOffset.FromUnixTimeSeconds(issuedAt),
                DateTimeOffset.FromUnixTimeSeconds(expiresAt));
            if (scratch.Reset())
            {
                t_scratch = scratch;
            }

            return issued;
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
    }

    private ValueTask<IssuedToken> MintAsync(
        DateTimeOffset now,
        string subject,
        string? sessionId,
        TimeSpan lifetime,
        DateTimeOffset? notAfter,
        long? generation,
        IList<string>? scopes,
        string? clientId,
        IDictionary<string, object>? claims,
        string? keyThumbprint,
        CancellationToken cancellationToken)
    {
        if (_signsSynchronously)
        {
            return new(Mint(now, subject, sessionId, lifetime, notAfter, generation, scopes, clientId, claims, keyThumbprint));
        }

        // The signing input leaves the thread's scratch before the first await: the scratch belongs to this thread, and the
        // signer gets memory that stays put while it works.
        var scratch = WritePayload(now, subject, sessionId, lifetime, notAfter, generation, scopes, clientId, claims, keyThumbprint, out var tokenId, out var issuedAt, out var expiresAt);
        var payloadJson = scratch.Json;
        try
        {
            ThrowIfTooLarge(payloadJson.Length);
        }
        catch
        {
            scratch.Dispose();
            throw;
        }

        var signingInputLength = _encodedHeader.Length + 1 + Base64Url.GetEncodedLength(payloadJson.Length);
        var token = new byte[signingInputLength + 1 + Base64Url.GetEncodedLength(_key.SignatureSize)];
        _encodedHeader.CopyTo(token, 0);
        token[_encodedHeader.Length] = (byte)'.';
        Base64Url.EncodeToUtf8(payloadJson, token.AsSpan(_encodedHeader.Length + 1), out _, out _);
        if (scratch.Reset())
        {
            t_scratch = scratch;
        }

        return SignRemoteAsync(token, signingInputLength, tokenId, issuedAt, expiresAt, cancellationToken);
    }

    /// <summary>Refuses a token over <see cref="TokenIssuerOptions.MaxTokenSize"/>, from its exact length, before signing.</summary>
    /// <param name="payloadLength">The payload's length in bytes, before encoding.</param>
    /// <param name="paramName">The public method's parameter the claims came from.</param>
    private void ThrowIfTooLarge(int payloadLength, string paramName = "descriptor")
    {
        var length = _encodedHeader.Length + 1 + Base64Url.GetEncodedLength(payloadLength) + 1 + Base64Url.GetEncodedLength(_key.SignatureSize);
        if (length > _maxTokenSize)
        {
            throw new ArgumentException(
                $"The token would be {length} characters, over the issuer's MaxTokenSize of {_maxTokenSize}, which validators with the "
                + "same limit reject as too_large; nothing was signed. Shorten the claims or raise MaxTokenSize on the issuer and its validators.",
                paramName);
        }
    }

    private async ValueTask<IssuedToken> SignRemoteAsync(
        byte[] token, int signingInputLength, string tokenId, long issuedAt, long expiresAt, CancellationToken cancellationToken)
    {
        // The key verifies what the signer returns before handing it over (ExternalSigningKey): a bad signature throws here.
        var signature = new byte[_key.SignatureSize];
        var written = await _key.SignAsync(token.AsMemory(0, signingInputLength), signature, cancellationToken).ConfigureAwait(false);
        token[signingInputLength] = (byte)'.';
        Base64Url.EncodeToUtf8(signature.AsSpan(0, written), token.AsSpan(signingInputLength + 1), out _, out var signatureWritten);
        return new IssuedToken(
            Encoding.ASCII.GetString(token, 0, signingInputLength + 1 + signatureWritten),
            tokenId,
            DateTimeOffset.FromUnixTimeSeconds(issuedAt),
            DateTimeOffset.FromUnixTimeSeconds(expiresAt));
    }

    /// <summary>
    /// Checks the lifetime, draws the <c>jti</c> and writes the payload into the calling thread's scratch, which the caller
    /// then owns: it puts it back into the thread's slot when done, or disposes it on failure.
    /// </summary>
    private PayloadScratch WritePayload(
        DateTimeOffset now,
        string subject,
        string? sessionId,
        TimeSpan lifetime,
        DateTimeOffset? notAfter,
        long? generation,
        IList<string>? scopes,
        string? clientId,
        IDictionary<string, object>? claims,
        string? keyThumbprint,
        out string tokenId,
        out long issuedAt,
        out long expiresAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (lifetime < TimeSpan.FromSeconds(1) || lifetime > _maxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A token lifetime must be between 1 second and {_maxLifetime}.");
        }

        issuedAt = now.ToUnixTimeSeconds();
        expiresAt = issuedAt + (long)lifetime.TotalSeconds;
        if (notAfter is { } deadline)
        {
            // Floor, so exp never lands after the deadline; a token that would live under a second is refused.
            expiresAt = Math.Min(expiresAt, deadline.ToUnixTimeSeconds());
            if (expiresAt <= issuedAt)
            {
                throw new ArgumentOutOfRangeException(nameof(notAfter), notAfter, "The deadline leaves no time for a token to live.");
            }
        }

        Span<byte> jtiBytes = stackalloc byte[16];
        RandomBatch.Fill(jtiBytes);
        tokenId = Base64UrlStrict.Encode(jtiBytes);

        // A writer and its buffer are reused per thread: minting then allocates the token string, its jti and the result only.
        // Taken out of the slot while in use, so a claim value whose enumerator mints re-entrantly gets a fresh pair.
        var scratch = t_scratch ?? new PayloadScratch();
        t_scratch = null;
        try
        {
            // The order of the members is IssuerPayloadLayout's, which the validator's scanner reads in a straight line; the
            // issuer's and audiences' JSON is made once.
            scratch.WriteRaw(_payloadStart);
            scratch.WriteString(subject);
            scratch.WriteRaw(_audienceAndExpiry);
            scratch.WriteNumber(expiresAt);
            scratch.WriteRaw(IssuerPayloadLayout.Iat);
            scratch.WriteNumber(issuedAt);
            scratch.WriteRaw(IssuerPayloadLayout.Nbf);
            scratch.WriteNumber(issuedAt);
            scratch.WriteRaw(IssuerPayloadLayout.Jti);
            scratch.WriteString(tokenId);
            if (sessionId is not null)
            {
                scratch.WriteRaw(IssuerPayloadLayout.Sid);
                scratch.WriteString(sessionId);
            }

            if (generation is { } gen)
            {
                scratch.WriteRaw(IssuerPayloadLayout.Gen);
                scratch.WriteNumber(gen);
            }

            if (scopes is { Count: > 0 })
            {
                // RFC 9068 §2.2.3: one string of space-separated names.
                scratch.WriteRaw(IssuerPayloadLayout.Scope);
                scratch.WriteJoinedString(scopes);
            }

            if (clientId is not null)
            {
                scratch.WriteRaw(IssuerPayloadLayout.ClientId);
                scratch.WriteString(clientId);
            }

            if (keyThumbprint is not null)
            {
                // RFC 9449 §6.1: the token is bound to the key whose RFC 7638 thumbprint this is (base64url: nothing to escape).
                scratch.WriteRaw(IssuerPayloadLayout.Cnf);
                scratch.WriteString(keyThumbprint);
                scratch.WriteRaw("}"u8);
            }

            if (claims is { Count: > 0 })
            {
                foreach (var (name, value) in claims)
                {
                    scratch.WriteRaw(","u8);
                    scratch.WriteString(name);
                    scratch.WriteRaw(":"u8);
                    scratch.WriteWithWriter((name, value), static (writer, claim) => WriteValue(writer, claim.name, claim.value, depth: 0));
                }
            }

            scratch.WriteRaw("}"u8);
            if (claims is { Count: > 0 })
            {
                ThrowIfTheValidatorWouldRefuse(scratch.Json);
            }

            return scratch;
        }
        catch
        {
            // A half-written payload (a claim of an unsupported type) is dropped with its writer.
            scratch.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Custom claims can make a payload no validator of ours accepts: more member names or nesting than it reads, or a
    /// <see cref="JsonElement"/> with duplicate names. The payload is read here as the validator reads it, so such a token is
    /// refused when minted rather than issued and then rejected on every request. Only payloads with custom claims pay this.
    /// </summary>
    /// <exception cref="ArgumentException">The validator's payload reader rejects the payload.</exception>
    private static void ThrowIfTheValidatorWouldRefuse(ReadOnlySpan<byte> payloadJson)
    {
        var error = PayloadLimits.Check(payloadJson);
        if (error != TokenValidationError.None)
        {
            throw new ArgumentException(
                $"The custom claims make a payload the validator rejects ({error.ToCode()}): at most {PayloadLimits.MaxMembers} member names and {PayloadLimits.MaxJsonDepth} levels of nesting, no name twice in one object.");
        }
    }

    /// <summary>Encodes and signs the payload in <paramref name="scratch"/>, in the token buffer it keeps for that thread.</summary>
    [SkipLocalsInit]
    private string Sign(PayloadScratch scratch)
    {
        var payloadJson = scratch.Json;
        var payloadLength = Base64Url.GetEncodedLength(payloadJson.Length);
        var signingInputLength = _encodedHeader.Length + 1 + payloadLength;
        var token = scratch.TokenBuffer(signingInputLength + 1 + Base64Url.GetEncodedLength(_key.SignatureSize));
        _encodedHeader.CopyTo(token);
        token[_encodedHeader.Length] = (byte)'.';
        Base64Url.EncodeToUtf8(payloadJson, token[(_encodedHeader.Length + 1)..], out _, out _);

        Span<byte> signature = stackalloc byte[1024];
        var written = _key.Sign(token[..signingInputLength], signature);
        token[signingInputLength] = (byte)'.';
        Base64Url.EncodeToUtf8(signature[..written], token[(signingInputLength + 1)..], out _, out var signatureWritten);
        return Encoding.ASCII.GetString(token[..(signingInputLength + 1 + signatureWritten)]);
    }

    /// <summary>A restricted media-type name (RFC 6838 §4.2), optionally after <c>application/</c>, that validators can accept.</summary>
    internal static bool IsMediaType(string? type)
    {
        if (string.IsNullOrEmpty(type) || type.Length > 64)
        {
            return false;
        }

        var name = type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) ? type.AsSpan("application/".Length) : type.AsSpan();
        return name.Length > 0 && !name.ContainsAnyExcept(s_mediaTypeCharacters);
    }

    /// <summary>
    /// The payload's constant parts around the subject: <c>{"iss":…,"sub":</c> and <c>,"aud":…,"exp":</c>, written once per
    /// issuer, with the payload's own string writer.
    /// </summary>
    private static (byte[] Start, byte[] AudienceAndExpiry) EncodeFixedMembers(string issuer, string[] audiences)
    {
        // One scratch, never reset in between: an issuer long enough to grow it past what a thread keeps would otherwise
        // dispose its writer halfway.
        using var scratch = new PayloadScratch();
        scratch.WriteRaw(IssuerPayloadLayout.Open);
        scratch.WriteRaw(IssuerPayloadLayout.Iss);
        scratch.WriteString(issuer);
        scratch.WriteRaw(IssuerPayloadLayout.Sub);
        var startLength = scratch.Json.Length;
        scratch.WriteRaw(IssuerPayloadLayout.Aud);
        if (audiences.Length == 1)
        {
            scratch.WriteString(audiences[0]);
        }
        else
        {
            scratch.WriteRaw("["u8);
            for (var i = 0; i < audiences.Length; i++)
            {
                if (i > 0)
                {
                    scratch.WriteRaw(","u8);
                }

                scratch.WriteString(audiences[i]);
            }

            scratch.WriteRaw("]"u8);
        }

        scratch.WriteRaw(IssuerPayloadLayout.Exp);
        return (scratch.Json[..startLength].ToArray(), scratch.Json[startLength..].ToArray());
    }

    private static byte[] EncodeHeader(SigningKey key, string type)
    {
        // The default encoder writes '+' as \u002B ("at\u002Bjwt"): valid JSON, but other tools then show the escape. The
        // header holds only the algorithm name, the key id and the type, and is never embedded in HTML, so the relaxed
        // encoder (which still escapes quotes, backslashes and control characters) is safe here.
        var json = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(json, PayloadScratch.Options))
        {
            writer.WriteStartObject();
            writer.WriteString("alg"u8, key.Algorithm.GetName());
            writer.WriteString("kid"u8, key.KeyId);
            writer.WriteString("typ"u8, type);
            writer.WriteEndObject();
        }

        return Encoding.ASCII.GetBytes(Base64UrlStrict.Encode(json.WrittenSpan));
    }

    private static void WriteValue(Utf8JsonWriter writer, string name, object? value, int depth)
    {
        switch (value)
        {
            case string s:
                PayloadScratch.ThrowIfNotUnicode(s);
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int or long or short or sbyte or byte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case JsonElement element when element.ValueKind is not JsonValueKind.Undefined:
                try
                {
                    element.WriteTo(writer);
                }
                catch (InvalidOperationException ex)
                {
                    // A string escape with an unpaired surrogate parses but cannot be written: the same refusal as for a string.
                    throw new ArgumentException($"The claim '{name}' has a JSON string that is not Unicode text (an unpaired surrogate).", ex);
                }

                break;
            case IEnumerable items when depth < 4:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, name, item, depth + 1);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException(
                    $"The claim '{name}' has a value of type {value?.GetType().Name ?? "null"}; claims are strings, finite numbers, booleans or arrays of these.");
        }
    }
}
