using System.Buffers;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using JwtSessions.Internal;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// Validates compact JWS tokens from an <c>Authorization: Bearer</c> header (<see cref="ValidateAuthorizationHeader(string)"/>)
/// or as bare tokens (<see cref="ValidateToken(string)"/>), never guessing which: strict by default (RFC 8725), no network
/// call, no exception for a bad token, and no allocation on the rejection paths; the <c>TryValidate…</c> forms read the claims
/// from a caller's buffer and allocate nothing on success either.
/// </summary>
/// <remarks>
/// <para>
/// Checks run cheapest first, and nothing from the token is trusted before its signature verifies: size cap, header syntax,
/// compact form, strict base64url, the verified-token cache (exact bytes; lifetime and revocation still checked), the strict
/// JOSE header (duplicates, no <c>crit</c>/<c>b64</c>/<c>zip</c>/<c>jku</c>/<c>jwk</c>/<c>x5u</c>/<c>x5c</c>), the exact <c>alg</c>
/// allowlist, <c>typ</c>, key selection by <c>kid</c>, algorithm-to-key binding, signature, then the claims (<c>exp</c>, <c>nbf</c>,
/// <c>iat</c>, <c>iss</c>, <c>aud</c>) and revocation. docs/validation.md explains each check and why, and names the internal
/// stage that runs it (its "Stages" table).
/// </para>
/// <para>The validator is built once from <see cref="TokenValidatorOptions"/> and is immutable afterwards.</para>
/// </remarks>
/// <threadsafety>Immutable and thread-safe: share one instance as a singleton.</threadsafety>
public sealed partial class TokenValidator
{
    private const int StackThreshold = 1024;

    private readonly JwtSessionsMetrics _metrics;
    private readonly byte[] _issuer;
    private readonly byte[][] _audiences;
    private readonly byte[][] _types;
    private readonly KeyRingSource? _keySource;
    private readonly HashSet<JwtAlgorithm> _configuredAlgorithms;
    private readonly int _maxTokenSize;
    private readonly TimeProvider _time;
    private readonly ClaimChecks _claimChecks;
    private readonly RejectionBurstMonitor? _burst;
    private ValidatorKeys _keys;

    /// <summary>Initializes a new instance of the <see cref="TokenValidator"/> class.</summary>
    /// <param name="options">The configuration; copied and checked, so later changes to it have no effect.</param>
    /// <exception cref="ArgumentException">
    /// A required value is missing (issuer, audience, keys), the skew exceeds
    /// <see cref="TokenValidatorOptions.MaxClockSkew"/>, or the size cap is outside 256 bytes to 64 KiB.
    /// </exception>
    public TokenValidator(TokenValidatorOptions options)
        : this(options, meterFactory: null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenValidator"/> class that reports on a host's meter.</summary>
    /// <param name="options">The configuration; copied and checked, so later changes to it have no effect.</param>
    /// <param name="meterFactory">
    /// Makes the <see cref="JwtSessionsTelemetry.MeterName"/> meter the validator counts rejections on (dependency injection
    /// passes the host's); the process-wide meter when null.
    /// </param>
    /// <exception cref="ArgumentException">
    /// A required value is missing (issuer, audience, keys), the skew exceeds
    /// <see cref="TokenValidatorOptions.MaxClockSkew"/>, or the size cap is outside 256 bytes to 64 KiB.
    /// </exception>
    public TokenValidator(TokenValidatorOptions options, IMeterFactory? meterFactory)
        : this(options, JwtSessionsMetrics.Create(meterFactory))
    {
    }

    internal TokenValidator(TokenValidatorOptions options, JwtSessionsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _keySource = options.KeySource;
        _configuredAlgorithms = [.. options.AllowedAlgorithms];

        _issuer = Encoding.UTF8.GetBytes(options.Issuer!);
        _audiences = [.. options.Audiences.Select(Encoding.UTF8.GetBytes)];
        _types = [.. options.AcceptedTypes.Select(static t => Encoding.UTF8.GetBytes(JoseHeaderReader.NormalizeType(t)))];
        _maxTokenSize = options.MaxTokenSize;
        _time = options.TimeProvider ?? TimeProvider.System;
        if (options.RejectionBurst is { } burst)
        {
            _burst = new RejectionBurstMonitor(burst.Threshold, (long)burst.Window.TotalMilliseconds);
        }
        _keys = ValidatorKeys.Create(
            _keySource?.Current ?? options.Keys!,
            _configuredAlgorithms,
            options.Cache is { } cache ? new VerifiedTokenCache(cache, _time) : null);
        _claimChecks = new ClaimChecks(
            skewMs: (long)options.ClockSkew.TotalMilliseconds,
            maxAgeMs: options.MaxTokenAge is { } maxAge ? (long)maxAge.TotalMilliseconds : null,
            _time,
            options.Revocations,
            options.RevocationFailureMode,
            requireSessionId: options.RequireSessionId || options.RequireGeneration,
            requireGeneration: options.RequireGeneration);
    }

    /// <summary>
    /// Gets the keys this validator verifies with: the configured ring, or the current ring of its
    /// <see cref="TokenValidatorOptions.KeySource"/>.
    /// </summary>
    public KeyRing Keys => CurrentKeys().Ring;

    /// <summary>The entries of the current verified-token cache, for tests.</summary>
    internal int CachedTokenCount => Volatile.Read(ref _keys).Cache?.Count ?? 0;

    /// <summary>Gets the largest token accepted, in characters (<see cref="TokenValidatorOptions.MaxTokenSize"/>).</summary>
    public int MaxTokenSize => _maxTokenSize;

    /// <summary>
    /// Gets the buffer size <see cref="TryValidateToken(ReadOnlySpan{byte}, Span{byte}, out TokenClaimsView, out TokenValidationError)"/>
    /// and <see cref="TryValidateAuthorizationHeader(ReadOnlySpan{byte}, Span{byte}, out TokenClaimsView, out TokenValidationError)"/>
    /// need for the payload of any token within <see cref="TokenValidatorOptions.MaxTokenSize"/>: three quarters of it (6 KiB by default).
    /// </summary>
    public int ClaimsBufferSize => Base64UrlStrict.DecodedLength(_maxTokenSize);

    /// <summary>
    /// Validates the value of an <c>Authorization</c> header: exactly <c>Bearer</c> (any letter case), one space and a compact
    /// JWS with no space or tab (RFC 6750 §2.1). Anything else, an absent or empty header included, is
    /// <see cref="TokenValidationError.InvalidAuthorizationHeader"/>; a well-formed credential is then validated as
    /// <see cref="ValidateToken(ReadOnlySpan{char})"/> validates a token.
    /// </summary>
    /// <param name="header">The header value; <see langword="null"/> (no header) is rejected.</param>
    /// <returns>The result; never throws for bad input.</returns>
    /// <remarks>A valid token allocates its <see cref="TokenClaims"/>; the <c>TryValidate</c> methods allocate nothing.</remarks>
    public JwtValidationResult ValidateAuthorizationHeader(string? header)
        => header is null
            ? Observe(TokenValidationError.InvalidAuthorizationHeader, claims: null)
            : ValidateAuthorizationHeader(header.AsSpan());

    /// <summary>Validates the value of an <c>Authorization</c> header; see <see cref="ValidateAuthorizationHeader(string)"/>.</summary>
    /// <param name="header">The header value.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public JwtValidationResult ValidateAuthorizationHeader(ReadOnlySpan<char> header)
        => Observe(HeaderChars(header, payload: default, keepClaims: true, out _, out _, out var claims), claims);

    /// <summary>
    /// Validates the UTF-8 bytes of an <c>Authorization</c> header value, as a server reads them off the wire, without
    /// transcoding; see <see cref="ValidateAuthorizationHeader(string)"/>.
    /// </summary>
    /// <param name="header">The header value, UTF-8.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public JwtValidationResult ValidateAuthorizationHeader(ReadOnlySpan<byte> header)
        => Observe(HeaderBytes(header, payload: default, keepClaims: true, out _, out _, out var claims), claims);

    /// <summary>
    /// Validates a bare compact JWS (no scheme). A space, a tab or a scheme inside is not base64url and fails as
    /// <see cref="TokenValidationError.Malformed"/>: the input is never guessed to be a header.
    /// </summary>
    /// <param name="token">The token; <see langword="null"/> is rejected as malformed.</param>
    /// <returns>The result; never throws for bad input.</returns>
    /// <remarks>A valid token allocates its <see cref="TokenClaims"/>; the <c>TryValidate</c> methods allocate nothing.</remarks>
    public JwtValidationResult ValidateToken(string? token)
        => token is null
            ? Observe(TokenValidationError.Malformed, claims: null)
            : ValidateToken(token.AsSpan());

    /// <summary>Validates a bare compact JWS; see <see cref="ValidateToken(string)"/>.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public JwtValidationResult ValidateToken(ReadOnlySpan<char> token)
        => Observe(TokenChars(token, payload: default, keepClaims: true, out _, out _, out var claims), claims);

    /// <summary>Validates the UTF-8 bytes of a bare compact JWS; see <see cref="ValidateToken(string)"/>.</summary>
    /// <param name="token">The token, UTF-8.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public JwtValidationResult ValidateToken(ReadOnlySpan<byte> token)
        => Observe(TokenBytes(token, payload: default, keepClaims: true, out _, out _, out var claims), claims);

    /// <summary>
    /// Validates an <c>Authorization</c> header value as <see cref="ValidateAuthorizationHeader(ReadOnlySpan{char})"/> does and
    /// reads the claims in place from <paramref name="buffer"/>: a successful validation allocates nothing, nor does reading
    /// its standard claims from <paramref name="claims"/>.
    /// </summary>
    /// <param name="header">The header value.</param>
    /// <param name="buffer">
    /// Where the payload is decoded; <see cref="ClaimsBufferSize"/> bytes fit every token the size cap lets through. A token whose
    /// payload does not fit is rejected as <see cref="TokenValidationError.TooLarge"/>.
    /// </param>
    /// <param name="claims">The claims when the token is valid; otherwise empty.</param>
    /// <param name="error"><see cref="TokenValidationError.None"/> when the token is valid, otherwise why not.</param>
    /// <returns><see langword="true"/> when the token passed every check; never throws for bad input.</returns>
    /// <example>
    /// <code>
    /// Span&lt;byte&gt; buffer = stackalloc byte[validator.ClaimsBufferSize];
    /// if (validator.TryValidateAuthorizationHeader(header, buffer, out var claims, out var error) &amp;&amp; claims.HasScope("orders:read"u8)) { ... }
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> overlaps <paramref name="header"/>.</exception>
    public bool TryValidateAuthorizationHeader(ReadOnlySpan<char> header, Span<byte> buffer, out TokenClaimsView claims, out TokenValidationError error)
    {
        ThrowIfOverlapping(MemoryMarshal.AsBytes(header), buffer);
        error = HeaderChars(header, buffer, keepClaims: false, out var length, out var slots, out var kept);
        return Complete(error, buffer[..length], slots, kept, out claims);
    }

    /// <summary>
    /// Validates the UTF-8 bytes of an <c>Authorization</c> header value and reads the claims in place from
    /// <paramref name="buffer"/>, allocating nothing; see
    /// <see cref="TryValidateAuthorizationHeader(ReadOnlySpan{char}, Span{byte}, out TokenClaimsView, out TokenValidationError)"/>.
    /// </summary>
    /// <param name="header">The header value, UTF-8.</param>
    /// <param name="buffer">Where the payload is decoded; <see cref="ClaimsBufferSize"/> bytes fit every token.</param>
    /// <param name="claims">The claims when the token is valid; otherwise empty.</param>
    /// <param name="error"><see cref="TokenValidationError.None"/> when the token is valid, otherwise why not.</param>
    /// <returns><see langword="true"/> when the token passed every check; never throws for bad input.</returns>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> overlaps <paramref name="header"/>.</exception>
    public bool TryValidateAuthorizationHeader(ReadOnlySpan<byte> header, Span<byte> buffer, out TokenClaimsView claims, out TokenValidationError error)
    {
        ThrowIfOverlapping(header, buffer);
        error = HeaderBytes(header, buffer, keepClaims: false, out var length, out var slots, out var kept);
        return Complete(error, buffer[..length], slots, kept, out claims);
    }

    /// <summary>
    /// Validates a bare compact JWS as <see cref="ValidateToken(ReadOnlySpan{char})"/> does and reads the claims in place from
    /// <paramref name="buffer"/>, allocating nothing; see
    /// <see cref="TryValidateAuthorizationHeader(ReadOnlySpan{char}, Span{byte}, out TokenClaimsView, out TokenValidationError)"/>.
    /// </summary>
    /// <param name="token">The token.</param>
    /// <param name="buffer">Where the payload is decoded; <see cref="ClaimsBufferSize"/> bytes fit every token.</param>
    /// <param name="claims">The claims when the token is valid; otherwise empty.</param>
    /// <param name="error"><see cref="TokenValidationError.None"/> when the token is valid, otherwise why not.</param>
    /// <returns><see langword="true"/> when the token passed every check; never throws for bad input.</returns>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> overlaps <paramref name="token"/>.</exception>
    public bool TryValidateToken(ReadOnlySpan<char> token, Span<byte> buffer, out TokenClaimsView claims, out TokenValidationError error)
    {
        ThrowIfOverlapping(MemoryMarshal.AsBytes(token), buffer);
        error = TokenChars(token, buffer, keepClaims: false, out var length, out var slots, out var kept);
        return Complete(error, buffer[..length], slots, kept, out claims);
    }

    /// <summary>
    /// Validates the UTF-8 bytes of a bare compact JWS and reads the claims in place from <paramref name="buffer"/>, allocating
    /// nothing; see <see cref="TryValidateAuthorizationHeader(ReadOnlySpan{char}, Span{byte}, out TokenClaimsView, out TokenValidationError)"/>.
    /// </summary>
    /// <param name="token">The token, UTF-8.</param>
    /// <param name="buffer">Where the payload is decoded; <see cref="ClaimsBufferSize"/> bytes fit every token.</param>
    /// <param name="claims">The claims when the token is valid; otherwise empty.</param>
    /// <param name="error"><see cref="TokenValidationError.None"/> when the token is valid, otherwise why not.</param>
    /// <returns><see langword="true"/> when the token passed every check; never throws for bad input.</returns>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> overlaps <paramref name="token"/>.</exception>
    public bool TryValidateToken(ReadOnlySpan<byte> token, Span<byte> buffer, out TokenClaimsView claims, out TokenValidationError error)
    {
        ThrowIfOverlapping(token, buffer);
        error = TokenBytes(token, buffer, keepClaims: false, out var length, out var slots, out var kept);
        return Complete(error, buffer[..length], slots, kept, out claims);
    }

    private bool Complete(TokenValidationError error, ReadOnlySpan<byte> payload, scoped in ClaimSlots slots, TokenClaims? kept, out TokenClaimsView claims)
    {
        claims = error != TokenValidationError.None ? default
            : kept is not null ? new TokenClaimsView(kept.Payload.Span, kept.Slots)
            : new TokenClaimsView(payload, slots);
        return Observe(error) == TokenValidationError.None;
    }

    /// <summary>
    /// Decoding in place would overwrite the token while it is still being read and remembered (header memo, cache): a caller
    /// bug, refused before any work rather than answered with a wrong result.
    /// </summary>
    private static void ThrowIfOverlapping(ReadOnlySpan<byte> input, Span<byte> buffer)
    {
        if (input.Overlaps(buffer))
        {
            throw new ArgumentException("The claims buffer must not overlap the token being validated.", nameof(buffer));
        }
    }

    private static void ReturnClean(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>Step 1 (size cap, with room for the scheme), then the ASCII narrowing of step 3, then <see cref="HeaderBytes"/>.</summary>
    [SkipLocalsInit]
    private TokenValidationError HeaderChars(
        ReadOnlySpan<char> header, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims)
    {
        payloadLength = 0;
        slots = default;
        claims = null;
        if (header.Length > _maxTokenSize + AuthorizationHeader.BearerPrefixLength)
        {
            return TokenValidationError.TooLarge;
        }

        byte[]? rented = null;
        var bytes = header.Length <= StackThreshold
            ? stackalloc byte[StackThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(header.Length));
        try
        {
            // One vectorized pass checks that every char is ASCII and narrows it: the header and the token are then read
            // exactly as UTF-8 input is, and the MAC gets the bytes it needs.
            if (Ascii.FromUtf16(header, bytes, out var written) == OperationStatus.Done)
            {
                return HeaderBytes(bytes[..written], payload, keepClaims, out payloadLength, out slots, out claims);
            }

            // Not ASCII: the header's own rules (scheme, no space or tab after it) decide first, else the token is malformed.
            var token = AuthorizationHeader.HasBearerPrefix(header) ? header[AuthorizationHeader.BearerPrefixLength..] : default;
            return token.IsEmpty || token.IndexOfAny(' ', '\t') >= 0
                ? TokenValidationError.InvalidAuthorizationHeader
                : TokenValidationError.Malformed;
        }
        finally
        {
            ReturnClean(rented);
        }
    }

    /// <summary>Step 1 (size cap), then the ASCII narrowing of step 3, then <see cref="TokenBytes"/>.</summary>
    [SkipLocalsInit]
    private TokenValidationError TokenChars(
        ReadOnlySpan<char> token, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims, bool allowBound = false)
    {
        payloadLength = 0;
        slots = default;
        claims = null;
        if (token.Length > _maxTokenSize)
        {
            return TokenValidationError.TooLarge;
        }

        byte[]? rented = null;
        var bytes = token.Length <= StackThreshold
            ? stackalloc byte[StackThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(token.Length));
        try
        {
            return Ascii.FromUtf16(token, bytes, out var written) == OperationStatus.Done
                ? ValidateCompact(bytes[..written], payload, keepClaims, out payloadLength, out slots, out claims, allowBound)
                : TokenValidationError.Malformed;
        }
        finally
        {
            ReturnClean(rented);
        }
    }

    /// <summary>Steps 1 and 2: the size cap with room for the scheme, then the <c>Bearer</c> credential syntax.</summary>
    private TokenValidationError HeaderBytes(
        ReadOnlySpan<byte> header, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims)
    {
        payloadLength = 0;
        slots = default;
        claims = null;
        if (header.Length > _maxTokenSize + AuthorizationHeader.BearerPrefixLength)
        {
            return TokenValidationError.TooLarge;
        }

        if (!AuthorizationHeader.HasBearerPrefix(header))
        {
            return TokenValidationError.InvalidAuthorizationHeader;
        }

        var token = header[AuthorizationHeader.BearerPrefixLength..];
        var error = ValidateCompact(token, payload, keepClaims, out payloadLength, out slots, out claims);
        return HeaderError(error == TokenValidationError.Malformed && token.IndexOfAny((byte)' ', (byte)'\t') >= 0, error);
    }

    /// <summary>Step 1, the size cap, then the compact JWS.</summary>
    private TokenValidationError TokenBytes(
        ReadOnlySpan<byte> token, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims)
    {
        if (token.Length > _maxTokenSize)
        {
            payloadLength = 0;
            slots = default;
            claims = null;
            return TokenValidationError.TooLarge;
        }

        return ValidateCompact(token, payload, keepClaims, out payloadLength, out slots, out claims);
    }

    /// <summary>
    /// After the scheme, a space or tab can only make the token fail as malformed (it is no base64url character); the header's
    /// own error is reported for it instead. Looked for only then, so a well-formed header is scanned once, by the checks.
    /// This relies on <see cref="ValidateCompact"/> splitting and checking the charset of all three segments before anything
    /// else (cache, header, MAC) can decide: keep that order, or codes for such headers change (the corpus pins them).
    /// </summary>
    private static TokenValidationError HeaderError(bool spaceAfterScheme, TokenValidationError error)
        => spaceAfterScheme ? TokenValidationError.InvalidAuthorizationHeader : error;
}
