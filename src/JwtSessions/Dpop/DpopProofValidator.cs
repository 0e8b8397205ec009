using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Internal;
using JwtSessions.Signing;
using JwtSessions.Validation;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Dpop;

/// <summary>
/// Validates DPoP proofs (RFC 9449): the proof of possession of a client's key that sender-constrained tokens and sessions
/// require with every request. Usable alone (a token endpoint, a resource server) or through
/// <see cref="TokenValidator.ValidateDpopRequestAsync"/> and <see cref="Sessions.SessionManager"/>.
/// </summary>
/// <remarks>
/// <para>
/// The checks of RFC 9449 §4.3, cheapest first, and nothing from the proof is trusted before its signature verifies: size
/// cap, compact JWS of strict base64url, strict JSON header (the token validator's reader: no duplicate, no <c>crit</c>,
/// <c>jku</c>, <c>x5u</c>, <c>x5c</c>, <c>zip</c>, <c>b64</c>), <c>alg</c> from the asymmetric allowlist, <c>typ</c>
/// <c>dpop+jwt</c>, a public <c>jwk</c> imported by the library's strict key importer, the signature under it, then the claims
/// (<c>jti</c>, <c>htm</c>, <c>htu</c>, <c>iat</c>, <c>ath</c>, <c>nonce</c>) and last the replay check, so that only proofs
/// that passed everything else take room in the replay cache. docs/dpop.md describes each rule and its error.
/// </para>
/// </remarks>
/// <threadsafety>Immutable and thread-safe: share one instance.</threadsafety>
public sealed class DpopProofValidator
{
    private readonly TimeProvider _time;
    private readonly IDpopReplayCache _replay;
    private readonly DpopNonces? _nonces;
    private readonly DpopKeyCache? _keys;
    private readonly int _algorithms;
    private readonly int _maxProofSize;
    private readonly long _windowMs;
    private readonly long _skewMs;

    /// <summary>Initializes a new instance of the <see cref="DpopProofValidator"/> class.</summary>
    /// <param name="options">The configuration; copied and checked (<see cref="DpopProofValidatorOptions.Validate"/>).</param>
    /// <param name="replayCache">
    /// Where accepted proofs are remembered; a new <see cref="InMemoryDpopReplayCache"/> on <paramref name="timeProvider"/>
    /// when null. Servers that share clients share one (for example the Redis one).
    /// </param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null. Dependency injection passes the container's.</param>
    /// <exception cref="ArgumentException">The options are not valid; the message lists every problem.</exception>
    public DpopProofValidator(DpopProofValidatorOptions options, IDpopReplayCache? replayCache = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _time = timeProvider ?? TimeProvider.System;
        _replay = replayCache ?? new InMemoryDpopReplayCache(timeProvider: _time);
        _algorithms = JoseHeaderReader.AlgorithmMask(options.AllowedAlgorithms);
        _maxProofSize = options.MaxProofSize;
        _windowMs = (long)options.IatWindow.TotalMilliseconds;
        _skewMs = (long)options.ClockSkew.TotalMilliseconds;
        _nonces = options.NonceKey is { } key ? new DpopNonces(key, options.NonceLifetime, options.ClockSkew) : null;
        _keys = options.KeyCacheSize > 0 ? new DpopKeyCache(options.KeyCacheSize) : null;
        SupportedAlgorithms = string.Join(' ', options.AllowedAlgorithms.Select(static a => a.GetName()));
    }

    /// <summary>Gets the allowed algorithms, space-separated, as the <c>algs</c> parameter of <c>WWW-Authenticate: DPoP</c> lists them (RFC 9449 §7.1).</summary>
    public string SupportedAlgorithms { get; }

    /// <summary>Gets a value indicating whether proofs must carry a server nonce (<see cref="DpopProofValidatorOptions.NonceKey"/> is set).</summary>
    public bool RequiresNonce => _nonces is not null;

    /// <summary>Gets the cache of imported proof keys, or <see langword="null"/> when <see cref="DpopProofValidatorOptions.KeyCacheSize"/> is 0.</summary>
    internal DpopKeyCache? KeyCache => _keys;

    /// <summary>Makes a fresh server nonce for the <c>DPoP-Nonce</c> response header.</summary>
    /// <returns>The nonce, or <see langword="null"/> when server nonces are off.</returns>
    public string? CreateNonce() => _nonces?.Create(_time.GetUtcNow().ToUnixTimeSeconds());

    /// <summary>
    /// Validates the <c>DPoP</c> header of a request. Never throws for a bad proof.
    /// </summary>
    /// <param name="proof">The <c>DPoP</c> header's value; <see langword="null"/> or empty is <see cref="DpopProofError.Missing"/>.</param>
    /// <param name="httpMethod">The request's method, which <c>htm</c> must equal exactly (for example <c>POST</c>).</param>
    /// <param name="httpUri">The request's absolute URI, which <c>htu</c> must name (query and fragment are ignored).</param>
    /// <param name="accessToken">
    /// At a resource, the access token presented with the proof, whose hash <c>ath</c> must be; <see langword="null"/> at a
    /// token or refresh endpoint, where no access token is presented.
    /// </param>
    /// <param name="cancellationToken">Cancels the replay cache call.</param>
    /// <returns>The result: the key's thumbprint when valid.</returns>
    /// <exception cref="ArgumentException"><paramref name="httpMethod"/> is empty or <paramref name="httpUri"/> is not absolute HTTP(S).</exception>
    public ValueTask<DpopProofResult> ValidateAsync(
        string? proof, string httpMethod, Uri httpUri, string? accessToken = null, CancellationToken cancellationToken = default)
        => ValidateAsync(proof, httpMethod, httpUri, accessToken, expectedThumbprint: null, cancellationToken);

    /// <summary>As the public form, and the proof's key must have <paramref name="expectedThumbprint"/> (a bound token or session), checked before the replay cache.</summary>
    internal ValueTask<DpopProofResult> ValidateAsync(
        string? proof, string httpMethod, Uri httpUri, string? accessToken, string? expectedThumbprint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(httpMethod);
        var target = DpopTarget.Normalize(httpUri);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var error = Check(proof, httpMethod, target, accessToken, expectedThumbprint, now, out var thumbprint, out var replayId, out var expiresAt);
        if (error != DpopProofError.None)
        {
            return ValueTask.FromResult(Result(error, thumbprint: null, now));
        }

        var added = _replay.TryAddAsync(replayId!, expiresAt, cancellationToken);
        return added.IsCompletedSuccessfully
            ? ValueTask.FromResult(Result(added.Result ? DpopProofError.None : DpopProofError.Replayed, thumbprint, now))
            : AwaitReplay(added, thumbprint!, now);
    }

    private async ValueTask<DpopProofResult> AwaitReplay(ValueTask<bool> added, string thumbprint, long now)
        => Result(await added.ConfigureAwait(false) ? DpopProofError.None : DpopProofError.Replayed, thumbprint, now);

    private DpopProofResult Result(DpopProofError error, string? thumbprint, long nowMs)
        => new(error, error == DpopProofError.None ? thumbprint : null, _nonces?.Create(nowMs / 1000));

    [SkipLocalsInit]
    private DpopProofError Check(
        string? proof,
        string httpMethod,
        string target,
        string? accessToken,
        string? expectedThumbprint,
        long now,
        out string? thumbprint,
        out string? replayId,
        out DateTimeOffset expiresAt)
    {
        thumbprint = null;
        replayId = null;
        expiresAt = default;
        if (string.IsNullOrEmpty(proof))
        {
            return DpopProofError.Missing;
        }

        if (proof.Length > _maxProofSize)
        {
            return DpopProofError.TooLarge;
        }

        // One buffer for the proof's bytes, the decoded header and payload, and the readers' scratch: seven proofs long.
        var rented = ArrayPool<byte>.Shared.Rent(7 * proof.Length);
        try
        {
            var bytes = rented.AsSpan(0, proof.Length);
            var work = rented.AsSpan(proof.Length, 6 * proof.Length);
            if (Ascii.FromUtf16(proof, bytes, out _) != OperationStatus.Done
                || !CompactJws.TrySplit(bytes, out var firstDot, out var secondDot) || secondDot == firstDot + 1
                || Base64UrlStrict.DecodedLength(bytes.Length - secondDot - 1) > JwsVerification.MaxSignatureBytes)
            {
                return DpopProofError.Malformed;
            }

            var header = work[..Base64UrlStrict.Decode(bytes[..firstDot], work)];
            var error = DpopProofReader.ReadHeader(header, work.Slice(header.Length, 2 * header.Length), _algorithms, out var algorithm, out var jwk);
            if (error != DpopProofError.None)
            {
                return error;
            }

            error = VerifySignature(bytes[..secondDot], bytes[(secondDot + 1)..], jwk, algorithm, out var keyThumbprint);
            if (error != DpopProofError.None)
            {
                return error;
            }

            // Only now, with the signature verified, is the payload read.
            var payload = work[..Base64UrlStrict.Decode(bytes[(firstDot + 1)..secondDot], work)];
            var scratch = work.Slice(payload.Length, 3 * payload.Length);
            error = DpopProofReader.ReadPayload(payload, scratch, out var claims);
            if (error != DpopProofError.None)
            {
                return error;
            }

            var values = scratch[(2 * (scratch.Length / 3))..];
            error = CheckClaims(claims, values, httpMethod, target, accessToken, now);
            if (error != DpopProofError.None)
            {
                return error;
            }

            if (expectedThumbprint is not null && !string.Equals(expectedThumbprint, keyThumbprint, StringComparison.Ordinal))
            {
                return DpopProofError.KeyMismatch;
            }

            thumbprint = keyThumbprint!;
            replayId = ReplayId(thumbprint, claims.Jti.Of(values));

            // Remembered for as long as the proof could pass the iat check: a jti forgotten earlier could be replayed.
            expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(claims.Iat, now) + _windowMs + 1000);
            return DpopProofError.None;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    /// <summary>
    /// The signature under the <c>jwk</c> header's key: the cached import of exactly these members when there is one, else a
    /// fresh import, kept in the cache once its signature verified (<see cref="DpopKeyCache"/>).
    /// </summary>
    private DpopProofError VerifySignature(
        ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature, in DpopJwk jwk, JwtAlgorithm algorithm, out string? thumbprint)
    {
        var cached = _keys?.Acquire(jwk, algorithm);
        if (cached is not null)
        {
            try
            {
                thumbprint = cached.Thumbprint;
                return SignatureCheck.Verify(cached.Key, signingInput, signature) == TokenValidationError.None
                    ? DpopProofError.None
                    : DpopProofError.BadSignature;
            }
            finally
            {
                cached.Release();
            }
        }

        var key = ImportKey(jwk, algorithm, out thumbprint);
        if (key is null)
        {
            return DpopProofError.InvalidKey;
        }

        var verified = false;
        try
        {
            verified = SignatureCheck.Verify(key, signingInput, signature) == TokenValidationError.None;
            return verified ? DpopProofError.None : DpopProofError.BadSignature;
        }
        finally
        {
            if (verified && _keys is not null)
            {
                _keys.Add(jwk, algorithm, key, thumbprint!);
            }
            else
            {
                key.Dispose();
            }
        }
    }

    /// <summary>The claim checks of RFC 9449 §4.3 (checks 8 to 12) and §8 on a verified proof.</summary>
    private DpopProofError CheckClaims(in DpopProofClaims claims, ReadOnlySpan<byte> values, string httpMethod, string target, string? accessToken, long now)
    {
        // RFC 9110 §9.1: the method is case-sensitive.
        if (!Ascii.Equals(claims.Htm.Of(values), httpMethod))
        {
            return DpopProofError.MethodMismatch;
        }

        if (!DpopTarget.Matches(claims.Htu.Of(values), target))
        {
            return DpopProofError.UriMismatch;
        }

        if (claims.Iat > now + _skewMs)
        {
            return DpopProofError.IssuedInFuture;
        }

        if (now - claims.Iat > _windowMs)
        {
            return DpopProofError.TooOld;
        }

        if (accessToken is not null)
        {
            if (!claims.Ath.IsPresent)
            {
                return DpopProofError.MissingAccessTokenHash;
            }

            if (!AccessTokenHashMatches(claims.Ath.Of(values), accessToken))
            {
                return DpopProofError.AccessTokenHashMismatch;
            }
        }

        if (_nonces is not null)
        {
            if (!claims.Nonce.IsPresent)
            {
                return DpopProofError.NonceRequired;
            }

            if (!_nonces.IsValid(claims.Nonce.Of(values), now / 1000))
            {
                return DpopProofError.InvalidNonce;
            }
        }

        return DpopProofError.None;
    }

    /// <summary>
    /// The key of the <c>jwk</c> header, through the library's strict importer (curve and algorithm binding, point on the curve,
    /// RSA size and exponent, ROCA), with its RFC 7638 thumbprint; <see langword="null"/> when the importer refuses it.
    /// </summary>
    private static SigningKey? ImportKey(in DpopJwk members, JwtAlgorithm algorithm, out string? thumbprint)
    {
        thumbprint = null;
        try
        {
            thumbprint = JwkThumbprint.Compute(members.Kty, members.Crv, members.X, members.Y, members.N, members.E);
            var jwk = new JsonWebKey { Kty = members.Kty };
            switch (members.Kty)
            {
                case JsonWebAlgorithmsKeyTypes.EllipticCurve:
                    jwk.Crv = members.Crv;
                    jwk.X = members.X;
                    jwk.Y = members.Y;
                    break;
                case JsonWebAlgorithmsKeyTypes.RSA:
                    jwk.N = members.N;
                    jwk.E = members.E;
                    break;
                default:
                    jwk.Crv = members.Crv;
                    jwk.X = members.X;
                    break;
            }

            var key = JwkImporter.Import(jwk, algorithm);
            if (key.CanSign)
            {
                key.Dispose();
                return null;
            }

            return key;
        }
        catch (Exception ex) when (ex is InvalidSigningKeyException or ArgumentException or CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>RFC 9449 §4.2: <c>ath</c> is the base64url SHA-256 of the access token's ASCII.</summary>
    [SkipLocalsInit]
    private static bool AccessTokenHashMatches(ReadOnlySpan<byte> ath, string accessToken)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(accessToken.Length));
        try
        {
            SHA256.HashData(rented.AsSpan(0, Encoding.UTF8.GetBytes(accessToken, rented)), hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        Span<byte> encoded = stackalloc byte[43];
        return System.Buffers.Text.Base64Url.EncodeToUtf8(hash, encoded, out _, out var written) == OperationStatus.Done
            && ath.SequenceEqual(encoded[..written]);
    }

    /// <summary>The replay cache's id of a proof: its key and its <c>jti</c>, hashed to a fixed length.</summary>
    [SkipLocalsInit]
    private static string ReplayId(string thumbprint, ReadOnlySpan<byte> jti)
    {
        // The thumbprint is 43 base64url characters; the jti is at most the proof's length.
        var length = thumbprint.Length + 1 + jti.Length;
        byte[]? rented = null;
        var input = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = Encoding.ASCII.GetBytes(thumbprint, input);
            input[written] = 0;
            jti.CopyTo(input[(written + 1)..]);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(input[..(written + 1 + jti.Length)], digest);
            return Base64UrlStrict.Encode(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
