using System.Buffers;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using JwtSessions.Internal;
using JwtSessions.Revocation;
using JwtSessions.Signing;

namespace JwtSessions.Validation;

/// <summary>
/// Validates compact JWS tokens from an <c>Authorization: Bearer</c> header or as bare tokens: strict by default
/// (RFC 8725), no network call, no exception for a bad token, and no allocation on the rejection paths.
/// </summary>
/// <remarks>
/// <para>
/// Checks run cheapest first, and nothing from the token is trusted before its signature verifies: size cap, header syntax,
/// compact form, strict base64url, the verified-token cache (exact bytes; lifetime and revocation still checked), the strict
/// JOSE header (duplicates, no <c>crit</c>/<c>b64</c>/<c>zip</c>/<c>jku</c>/<c>jwk</c>/<c>x5u</c>/<c>x5c</c>), the exact <c>alg</c>
/// allowlist, <c>typ</c>, key selection by <c>kid</c>, algorithm-to-key binding, signature, then the claims (<c>exp</c>, <c>nbf</c>,
/// <c>iat</c>, <c>iss</c>, <c>aud</c>) and revocation. docs/validation.md explains each check and why.
/// </para>
/// <para>The validator is built once from <see cref="TokenValidatorOptions"/> and is immutable afterwards.</para>
/// </remarks>
/// <threadsafety>Immutable and thread-safe: share one instance as a singleton.</threadsafety>
public sealed partial class TokenValidator
{
    private const int StackThreshold = 1024;
    private const int MaxHeaderBytes = 1024;
    private const int MaxSignatureBytes = 1024;
    internal const int MaxJsonDepth = 16;
    internal const int MaxMembers = 256;

    private readonly JwtSessionsMetrics _metrics;
    private readonly byte[] _issuer;
    private readonly byte[][] _audiences;
    private readonly byte[][] _types;
    private readonly KeyRing _keys;
    private readonly int _allowedAlgorithms;
    private readonly long _skewMs;
    private readonly long? _maxAgeMs;
    private readonly int _maxTokenSize;
    private readonly TimeProvider _time;
    private readonly RevocationList? _revocations;
    private readonly RevocationFailureMode _revocationFailureMode;
    private readonly bool _requireSessionId;
    private readonly bool _requireGeneration;
    private readonly VerifiedTokenCache? _cache;
    private readonly RejectionBurstMonitor? _burst;

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
        if (string.IsNullOrEmpty(options.Issuer))
        {
            throw new ArgumentException("An issuer is required: tokens are accepted only from one exact iss.", nameof(options));
        }

        if (options.Audiences.Count == 0 || options.Audiences.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one non-empty audience is required (RFC 8725 §3.9).", nameof(options));
        }

        _keys = options.Keys ?? throw new ArgumentException("A key ring is required.", nameof(options));
        if (_keys.Keys.Count == 0)
        {
            throw new ArgumentException("The key ring is empty.", nameof(options));
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TokenValidatorOptions.MaxClockSkew)
        {
            throw new ArgumentException($"The clock skew must be between 0 and {TokenValidatorOptions.MaxClockSkew}.", nameof(options));
        }

        if (options.MaxTokenSize is < 256 or > 64 * 1024)
        {
            throw new ArgumentException("The maximum token size must be between 256 bytes and 64 KiB.", nameof(options));
        }

        if (options.MaxTokenAge is { } age && age <= TimeSpan.Zero)
        {
            throw new ArgumentException("The maximum token age must be positive.", nameof(options));
        }

        // Compared without "application/", so "application/" alone would accept a token whose typ is empty.
        if (options.AcceptedTypes.Count == 0
            || options.AcceptedTypes.Any(static t => string.IsNullOrEmpty(t) || t.Length > 64 || NormalizeType(t).Length == 0))
        {
            throw new ArgumentException("At least one accepted typ of 1 to 64 characters is required (RFC 8725 §3.11), besides \"application/\".", nameof(options));
        }

        var algorithms = options.AllowedAlgorithms.Count > 0 ? options.AllowedAlgorithms : _keys.Keys.Select(static k => k.Algorithm);
        _allowedAlgorithms = AlgorithmMask(algorithms);

        _issuer = Encoding.UTF8.GetBytes(options.Issuer);
        _audiences = [.. options.Audiences.Select(Encoding.UTF8.GetBytes)];
        _types = [.. options.AcceptedTypes.Select(static t => Encoding.UTF8.GetBytes(NormalizeType(t)))];
        _skewMs = (long)options.ClockSkew.TotalMilliseconds;
        _maxAgeMs = options.MaxTokenAge is { } maxAge ? (long)maxAge.TotalMilliseconds : null;
        _maxTokenSize = options.MaxTokenSize;
        _time = options.TimeProvider ?? TimeProvider.System;
        if (options.RejectionBurst is { } burst)
        {
            if (burst.Threshold < 1 || burst.Window <= TimeSpan.Zero)
            {
                throw new ArgumentException("The rejection-burst threshold and window must be positive.", nameof(options));
            }

            _burst = new RejectionBurstMonitor(burst.Threshold, (long)burst.Window.TotalMilliseconds);
        }
        _cache = options.Cache is { } cache ? new VerifiedTokenCache(cache, _time) : null;
        _revocations = options.Revocations;
        _revocationFailureMode = options.RevocationFailureMode;
        _requireSessionId = options.RequireSessionId || options.RequireGeneration;
        _requireGeneration = options.RequireGeneration;
    }

    /// <summary>Gets the keys this validator verifies with.</summary>
    public KeyRing Keys => _keys;

    /// <summary>Gets the largest token accepted, in characters (<see cref="TokenValidatorOptions.MaxTokenSize"/>).</summary>
    public int MaxTokenSize => _maxTokenSize;

    /// <summary>
    /// Gets the buffer size <see cref="Validate(ReadOnlySpan{char}, Span{byte}, out TokenClaimsView)"/> needs for the payload of
    /// any token within <see cref="TokenValidatorOptions.MaxTokenSize"/>: three quarters of it (6 KiB by default).
    /// </summary>
    public int ClaimsBufferSize => Base64UrlStrict.DecodedLength(_maxTokenSize);

    /// <summary>
    /// Validates an Authorization header value (<c>Bearer &lt;token&gt;</c>, scheme case-insensitive, exactly one space) or a
    /// bare token. Input with a space or tab is read as a header; anything else as a bare token.
    /// </summary>
    /// <param name="authorizationOrToken">The header value or the token.</param>
    /// <returns>The result; never throws for bad input.</returns>
    /// <remarks>A valid token allocates its <see cref="TokenClaims"/>; the overload with a buffer allocates nothing.</remarks>
    public TokenValidationResult Validate(ReadOnlySpan<char> authorizationOrToken)
        => Observe(ValidateChars(authorizationOrToken, payload: default, keepClaims: true, out _, out _, out var claims), claims);

    /// <summary>
    /// Validates an Authorization header value or a bare token, as <see cref="Validate(ReadOnlySpan{char})"/> does, and reads its
    /// claims in place from <paramref name="buffer"/>: a successful validation allocates nothing, nor does reading its standard
    /// claims from <paramref name="claims"/>.
    /// </summary>
    /// <param name="authorizationOrToken">The header value or the token.</param>
    /// <param name="buffer">
    /// Where the payload is decoded; <see cref="ClaimsBufferSize"/> bytes fit every token the size cap lets through. A token whose
    /// payload does not fit is rejected as <see cref="TokenValidationError.TooLarge"/>.
    /// </param>
    /// <param name="claims">The claims when the result is <see cref="TokenValidationError.None"/>; otherwise empty.</param>
    /// <returns><see cref="TokenValidationError.None"/> when the token passed every check, otherwise why not; never throws for bad input.</returns>
    /// <example>
    /// <code>
    /// Span&lt;byte&gt; buffer = stackalloc byte[validator.ClaimsBufferSize];
    /// if (validator.Validate(header, buffer, out var claims) == TokenValidationError.None &amp;&amp; claims.HasScope("orders:read"u8)) { ... }
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> overlaps <paramref name="authorizationOrToken"/>.</exception>
    public TokenValidationError Validate(ReadOnlySpan<char> authorizationOrToken, Span<byte> buffer, out TokenClaimsView claims)
    {
        ThrowIfOverlapping(MemoryMarshal.AsBytes(authorizationOrToken), buffer);
        var error = ValidateChars(authorizationOrToken, buffer, keepClaims: false, out var length, out var slots, out var kept);
        claims = View(error, buffer[..length], slots, kept);
        return Observe(error);
    }

    /// <summary>Validates an Authorization header value or a bare token given as a string.</summary>
    /// <param name="authorizationOrToken">The header value or the token; <see langword="null"/> is rejected as malformed.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public TokenValidationResult Validate(string? authorizationOrToken)
        => authorizationOrToken is null
            ? Observe(TokenValidationError.Malformed, claims: null)
            : Validate(authorizationOrToken.AsSpan());

    /// <summary>
    /// Validates the UTF-8 bytes of an Authorization header value (<c>Bearer &lt;token&gt;</c>) or a bare token, as a server reads
    /// them off the wire, without transcoding.
    /// </summary>
    /// <param name="authorizationOrTokenUtf8">The header value or the token, UTF-8.</param>
    /// <returns>The result; never throws for bad input.</returns>
    public TokenValidationResult Validate(ReadOnlySpan<byte> authorizationOrTokenUtf8)
        => Observe(ValidateBytes(authorizationOrTokenUtf8, payload: default, keepClaims: true, out _, out _, out var claims), claims);

    /// <summary>
    /// Validates the UTF-8 bytes of an Authorization header value or a bare token and reads its claims in place from
    /// <paramref name="buffer"/>, allocating nothing; see <see cref="Validate(ReadOnlySpan{char}, Span{byte}, out TokenClaimsView)"/>.
    /// </summary>
    /// <param name="authorizationOrTokenUtf8">The header value or the token, UTF-8.</param>
    /// <param name="buffer">Where the payload is decoded; <see cref="ClaimsBufferSize"/> bytes fit every token.</param>
    /// <param name="claims">The claims when the result is <see cref="TokenValidationError.None"/>; otherwise empty.</param>
    /// <returns><see cref="TokenValidationError.None"/> when the token passed every check, otherwise why not; never throws for bad input.</returns>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> overlaps <paramref name="authorizationOrTokenUtf8"/>.</exception>
    public TokenValidationError Validate(ReadOnlySpan<byte> authorizationOrTokenUtf8, Span<byte> buffer, out TokenClaimsView claims)
    {
        ThrowIfOverlapping(authorizationOrTokenUtf8, buffer);
        var error = ValidateBytes(authorizationOrTokenUtf8, buffer, keepClaims: false, out var length, out var slots, out var kept);
        claims = View(error, buffer[..length], slots, kept);
        return Observe(error);
    }

    private static TokenClaimsView View(TokenValidationError error, ReadOnlySpan<byte> payload, scoped in ClaimSlots slots, TokenClaims? kept)
        => error != TokenValidationError.None ? default
            : kept is not null ? new TokenClaimsView(kept.Payload.Span, kept.Slots)
            : new TokenClaimsView(payload, slots);

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

    [SkipLocalsInit]
    private TokenValidationError ValidateChars(
        ReadOnlySpan<char> authorizationOrToken, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims)
    {
        payloadLength = 0;
        slots = default;
        claims = null;
        if (authorizationOrToken.Length > _maxTokenSize + BearerPrefixLength)
        {
            return TokenValidationError.TooLarge;
        }

        byte[]? rented = null;
        var bytes = authorizationOrToken.Length <= StackThreshold
            ? stackalloc byte[StackThreshold]
            : (rented = ArrayPool<byte>.Shared.Rent(authorizationOrToken.Length));
        try
        {
            // One vectorized pass checks that every char is ASCII and narrows it: the header and the token are then read
            // exactly as UTF-8 input is, and the MAC gets the bytes it needs.
            return Ascii.FromUtf16(authorizationOrToken, bytes, out var written) == OperationStatus.Done
                ? ValidateBytes(bytes[..written], payload, keepClaims, out payloadLength, out slots, out claims)
                : NonAsciiError(authorizationOrToken);
        }
        finally
        {
            ReturnClean(rented);
        }
    }

    /// <summary>
    /// Input with a character outside ASCII is malformed, unless the header rules of <see cref="ValidateBytes"/> reject it first:
    /// a space or tab where none may be, or a bare token over the cap.
    /// </summary>
    private TokenValidationError NonAsciiError(ReadOnlySpan<char> input)
    {
        var isHeader = HasBearerPrefix(input);
        var token = isHeader ? input[BearerPrefixLength..] : input;
        return token.IndexOfAny(' ', '\t') >= 0 ? TokenValidationError.InvalidAuthorizationHeader
            : !isHeader && token.Length > _maxTokenSize ? TokenValidationError.TooLarge
            : TokenValidationError.Malformed;
    }

    private TokenValidationError ValidateBytes(
        ReadOnlySpan<byte> authorizationOrTokenUtf8, Span<byte> payload, bool keepClaims, out int payloadLength, out ClaimSlots slots, out TokenClaims? claims)
    {
        payloadLength = 0;
        slots = default;
        claims = null;
        var token = authorizationOrTokenUtf8;
        if (token.Length > _maxTokenSize + BearerPrefixLength)
        {
            return TokenValidationError.TooLarge;
        }

        var isHeader = HasBearerPrefix(token);
        if (isHeader)
        {
            token = token[BearerPrefixLength..];
        }
        else if (token.IndexOfAny((byte)' ', (byte)'\t') >= 0)
        {
            return TokenValidationError.InvalidAuthorizationHeader;
        }
        else if (token.Length > _maxTokenSize)
        {
            // Only a bare token can be over the cap here: the first check bounds a header's token to the cap.
            return TokenValidationError.TooLarge;
        }

        var error = ValidateCompact(token, payload, keepClaims, out payloadLength, out slots, out claims);
        return HeaderError(isHeader && error == TokenValidationError.Malformed && token.IndexOfAny((byte)' ', (byte)'\t') >= 0, error);
    }

    private const int BearerPrefixLength = 7;

    // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token. The scheme is case-insensitive (RFC 9110 §11.1); we accept
    // exactly one space and nothing after the token, which rejects tabs, doubled spaces and multiple credentials. Input
    // that does not start with the scheme and a space is a bare token, and any space or tab in it a malformed header.
    private static bool HasBearerPrefix(ReadOnlySpan<char> value)
        => value.Length > BearerPrefixLength && value[6] == ' ' && Ascii.EqualsIgnoreCase(value[..6], "Bearer");

    private static bool HasBearerPrefix(ReadOnlySpan<byte> value)
        => value.Length > BearerPrefixLength && value[6] == (byte)' ' && Ascii.EqualsIgnoreCase(value[..6], "Bearer"u8);

    /// <summary>
    /// After the scheme, a space or tab can only make the token fail as malformed (it is no base64url character); the header's
    /// own error is reported for it instead. Looked for only then, so a well-formed header is scanned once, by the checks.
    /// This relies on <see cref="ValidateCompact"/> splitting and checking the charset of all three segments before anything
    /// else (cache, header, MAC) can decide: keep that order, or codes for such headers change (the corpus pins them).
    /// </summary>
    private static TokenValidationError HeaderError(bool spaceAfterScheme, TokenValidationError error)
        => spaceAfterScheme ? TokenValidationError.InvalidAuthorizationHeader : error;

    /// <summary>The allowlist as a bit set over <see cref="JwtAlgorithm"/> values; by default the algorithms of the ring's keys.</summary>
    internal static int AlgorithmMask(IEnumerable<JwtAlgorithm> algorithms)
    {
        var mask = 0;
        foreach (var algorithm in algorithms)
        {
            algorithm.GetName(); // throws for an undefined value
            mask |= 1 << (int)algorithm;
        }

        return mask;
    }

    private static string NormalizeType(string type)
    {
        // RFC 7515 §4.1.9: "application/" may be omitted; media types compare case-insensitively.
        const string Prefix = "application/";
        var t = type.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? type[Prefix.Length..] : type;
        return t.ToLowerInvariant();
    }

    private static bool IsAcceptedType(ReadOnlySpan<byte> type, byte[][] acceptedTypes)
    {
        var prefix = "application/"u8;
        if (type.Length > prefix.Length && Ascii.EqualsIgnoreCase(type[..prefix.Length], prefix))
        {
            type = type[prefix.Length..];
        }

        foreach (var accepted in acceptedTypes)
        {
            if (Ascii.EqualsIgnoreCase(type, accepted))
            {
                return true;
            }
        }

        return false;
    }
}
