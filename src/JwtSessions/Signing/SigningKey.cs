using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using JwtSessions.Internal;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>
/// A key bound to exactly one <see cref="JwtAlgorithm"/> (RFC 8725 §3.1), with the <c>kid</c> it is published under.
/// </summary>
/// <remarks>
/// <para>
/// Keys are typed by their material (<see cref="KeyType"/>): an HMAC key can only be made from secret bytes
/// (<see cref="CreateHmac"/>, <see cref="Generate"/> or a JWK with <c>kty</c> <c>oct</c>), never from bytes that are an RSA or EC
/// public key, which defeats the RS256/HS256 confusion family of attacks by construction.
/// </para>
/// <para>
/// Strength is checked when a key is created or imported and a broken rule throws <see cref="InvalidSigningKeyException"/>
/// naming it: HMAC secrets at least as long as the hash (RFC 7518 §3.2), odd RSA moduli of 2048 to 8192 bits with an odd
/// public exponent above 1 and below the modulus and without the ROCA fingerprint (CVE-2017-15361), EC points on the curve
/// the algorithm names, valid Ed25519 points, JWK <c>use</c>/<c>key_ops</c> that allow signing or verifying, and key ids
/// that are valid Unicode text.
/// </para>
/// <para>
/// Lifetime: RSA and ECDSA keys hold native key handles and HMAC keys a pool of native MAC contexts. Whoever creates a key
/// (<see cref="Generate"/>, a <c>Create</c> or <c>From</c> method, <see cref="ToPublicKey"/>) owns it and may
/// <see cref="Dispose()"/> it once no issuer or validator uses it any longer; a <see cref="KeyRing"/> is only a view of keys
/// and never disposes them. A key that is not disposed releases its handles through their finalizers once it is unreachable.
/// A disposed key fails closed: signing and exporting throw <see cref="ObjectDisposedException"/>, and verifying reports
/// every signature as invalid (docs/keys-and-rotation.md, "Key lifetime").
/// </para>
/// </remarks>
/// <threadsafety>
/// Instances are immutable; signing and verifying are safe from any number of threads at once. <see cref="Dispose()"/> may
/// race with them: an operation that overlaps it either completes as if before it or fails closed.
/// </threadsafety>
public abstract class SigningKey : IDisposable
{
    private const int MaxKeyIdLength = 256;

    private int _disposed;

    private protected SigningKey(JwtAlgorithm algorithm, string keyId)
    {
        if (string.IsNullOrEmpty(keyId) || keyId.Length > MaxKeyIdLength)
        {
            throw new InvalidSigningKeyException($"A key id must have 1 to {MaxKeyIdLength} characters.");
        }

        // Tokens name a key by the UTF-8 of its id, and a lone surrogate has none: "k\uD800", "k\uDC00" and "k\uFFFD" would
        // be three ids in a ring yet one kid on the wire.
        if (!Utf16Text.IsWellFormed(keyId))
        {
            throw new InvalidSigningKeyException("A key id must be valid Unicode text; this one has an unpaired surrogate.");
        }

        Algorithm = algorithm;
        KeyId = keyId;
        KeyIdUtf8 = Encoding.UTF8.GetBytes(keyId);
    }

    /// <summary>Gets the one algorithm this key signs and verifies with.</summary>
    public JwtAlgorithm Algorithm { get; }

    /// <summary>Gets the key id, the JWS <c>kid</c> header of tokens signed with this key.</summary>
    public string KeyId { get; }

    /// <summary>Gets the kind of key material.</summary>
    public SigningKeyType KeyType => Algorithm.GetKeyType();

    /// <summary>Gets a value indicating whether this key holds private (or secret) material and can sign.</summary>
    public abstract bool CanSign { get; }

    internal byte[] KeyIdUtf8 { get; }

    /// <summary>Gets a value indicating whether <see cref="Sign"/> works; <see langword="false"/> for a key whose external signer is remote only.</summary>
    internal virtual bool SignsSynchronously => true;

    /// <summary>Gets a value indicating whether <see cref="Dispose()"/> was called.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Gets the exact signature length in bytes; any other length is rejected before verification.</summary>
    internal abstract int SignatureSize { get; }

    /// <summary>Generates a new key from <see cref="RandomNumberGenerator"/> for <paramref name="algorithm"/>.</summary>
    /// <param name="algorithm">The algorithm the key is bound to.</param>
    /// <param name="keyId">The key id; by default the RFC 7638 thumbprint for asymmetric keys and 128 random bits for HMAC keys.</param>
    /// <returns>A key that can sign. HMAC keys are as long as the hash; RSA keys have 2048 bits.</returns>
    public static SigningKey Generate(JwtAlgorithm algorithm, string? keyId = null) => algorithm.GetKeyType() switch
    {
        SigningKeyType.Symmetric => HmacSigningKey.GenerateKey(algorithm, keyId),
        SigningKeyType.Rsa => RsaSigningKey.GenerateKey(algorithm, keyId),
        SigningKeyType.EllipticCurve => EcdsaSigningKey.GenerateKey(algorithm, keyId),
        _ => EdDsaSigningKey.GenerateKey(keyId),
    };

    /// <summary>Creates an HMAC key from a secret made by a CSPRNG. Passwords are not keys (RFC 8725 §3.5).</summary>
    /// <param name="secret">The secret; at least 32, 48 or 64 bytes for HS256, HS384 or HS512.</param>
    /// <param name="algorithm">HS256, HS384 or HS512.</param>
    /// <param name="keyId">The key id; by default 128 random bits, base64url-encoded.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidSigningKeyException">The algorithm is not an HMAC algorithm or the secret is shorter than its hash.</exception>
    public static SigningKey CreateHmac(ReadOnlySpan<byte> secret, JwtAlgorithm algorithm, string? keyId = null)
        => new HmacSigningKey(secret, algorithm, keyId ?? RandomKeyId());

    /// <summary>Creates an RSA key (RS* or PS*) from parameters; private members are optional.</summary>
    /// <param name="parameters">The key parameters.</param>
    /// <param name="algorithm">One of RS256, RS384, RS512, PS256, PS384, PS512.</param>
    /// <param name="keyId">The key id; by default the RFC 7638 thumbprint.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidSigningKeyException">The modulus is outside 2048 to 8192 bits or has the ROCA fingerprint, the exponent is even or 1, or the algorithm is not RSA.</exception>
    public static SigningKey CreateRsa(RSAParameters parameters, JwtAlgorithm algorithm, string? keyId = null)
        => RsaSigningKey.Create(parameters, algorithm, keyId);

    /// <summary>Creates an ECDSA key (ES256, ES384, ES512) from parameters; <see cref="ECParameters.D"/> is optional.</summary>
    /// <param name="parameters">The key parameters, on the curve the algorithm names.</param>
    /// <param name="algorithm">ES256 (P-256), ES384 (P-384) or ES512 (P-521).</param>
    /// <param name="keyId">The key id; by default the RFC 7638 thumbprint.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidSigningKeyException">The curve does not match the algorithm or the point is not on it.</exception>
    public static SigningKey CreateEcdsa(ECParameters parameters, JwtAlgorithm algorithm, string? keyId = null)
        => EcdsaSigningKey.Create(parameters, algorithm, keyId);

    /// <summary>Creates an Ed25519 key from its 32-byte public key and, optionally, its 32-byte private seed.</summary>
    /// <param name="publicKey">The encoded public point.</param>
    /// <param name="privateKey">The private seed, or empty for a verification-only key.</param>
    /// <param name="keyId">The key id; by default the RFC 7638 thumbprint.</param>
    /// <returns>The key, bound to <see cref="JwtAlgorithm.EdDSA"/>.</returns>
    /// <exception cref="InvalidSigningKeyException">A length is wrong, the point is invalid or the seed does not match it.</exception>
    public static SigningKey CreateEd25519(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> privateKey = default, string? keyId = null)
        => EdDsaSigningKey.Create(publicKey, privateKey, keyId);

    /// <summary>
    /// Creates a key whose private half lives elsewhere (an HSM, a cloud KMS, a PKCS#11 token): it signs through
    /// <paramref name="signer"/> and verifies with <paramref name="publicKey"/>.
    /// </summary>
    /// <param name="publicKey">
    /// The public half of the signer's key (for example from the KMS's public-key export, through <see cref="FromJwk"/> or
    /// <see cref="CreateEcdsa"/>). The new key keeps its own copy: the caller still owns <paramref name="publicKey"/>.
    /// </param>
    /// <param name="signer">The signer. The new key never disposes it: its creator owns it.</param>
    /// <returns>
    /// A key with <see cref="CanSign"/> <see langword="true"/> that can be a ring's active key. Every signature the signer returns
    /// is verified with <paramref name="publicKey"/> before a token is issued; one that does not verify throws
    /// <see cref="CryptographicException"/>. Exporting the key writes its public members only, whatever
    /// <c>includePrivateKey</c> says: it has no private material.
    /// </returns>
    /// <exception cref="InvalidSigningKeyException">
    /// <paramref name="publicKey"/> is symmetric or holds a private key, or its algorithm or key id differs from the signer's.
    /// </exception>
    /// <exception cref="ObjectDisposedException"><paramref name="publicKey"/> has been disposed.</exception>
    public static SigningKey FromExternalSigner(SigningKey publicKey, ExternalSigner signer)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(signer);
        return ExternalSigningKey.Create(publicKey, signer);
    }

    /// <summary>Imports a JWK given as JSON text (RFC 7517).</summary>
    /// <param name="json">The JWK.</param>
    /// <param name="algorithm">The algorithm to bind; required when the JWK has no <c>alg</c> and its type does not imply one.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidSigningKeyException">The JWK is not valid JSON or breaks a key rule.</exception>
    public static SigningKey FromJwk(string json, JwtAlgorithm? algorithm = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JwkJson.CheckKey(json);
        JsonWebKey jwk;
        try
        {
            jwk = new JsonWebKey(json);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidSigningKeyException("The JWK is not a valid JSON object.", ex);
        }

        return FromJsonWebKey(jwk, algorithm);
    }

    /// <summary>Imports a key a caller already holds as Microsoft.IdentityModel's <see cref="JsonWebKey"/>.</summary>
    /// <param name="jwk">The JWK.</param>
    /// <param name="algorithm">
    /// The algorithm to bind. When the JWK has an <c>alg</c> both must agree. When neither is given, EC and OKP keys take the
    /// algorithm their curve implies; RSA and symmetric keys are rejected, since they would fit several algorithms.
    /// </param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidSigningKeyException">The JWK breaks a key rule; the message names it.</exception>
    public static SigningKey FromJsonWebKey(JsonWebKey jwk, JwtAlgorithm? algorithm = null) => JwkImporter.Import(jwk, algorithm);

    /// <summary>Imports a <see cref="SecurityKey"/> a caller already holds: symmetric, RSA, ECDSA or a JWK.</summary>
    /// <param name="key">The key.</param>
    /// <param name="algorithm">The algorithm to bind the key to.</param>
    /// <param name="keyId">The key id; by default <see cref="SecurityKey.KeyId"/>, else as for <see cref="Generate"/>.</param>
    /// <returns>The key.</returns>
    /// <exception cref="InvalidSigningKeyException">The key type does not fit the algorithm or breaks a key rule.</exception>
    public static SigningKey FromSecurityKey(SecurityKey key, JwtAlgorithm algorithm, string? keyId = null)
        => JwkImporter.Import(key, algorithm, keyId);

    /// <summary>Gets a verification-only copy of this key: the public half of an asymmetric key.</summary>
    /// <returns>
    /// A new key with <see cref="CanSign"/> <see langword="false"/>, owned by the caller (also when this key is already public),
    /// so disposing either leaves the other usable.
    /// </returns>
    /// <exception cref="InvalidOperationException">The key is symmetric: an HMAC secret has no public half.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public abstract SigningKey ToPublicKey();

    /// <summary>
    /// Releases the key's native handles (RSA and ECDSA keys, pooled HMAC contexts). Afterwards signing and exporting throw
    /// <see cref="ObjectDisposedException"/> and verification rejects every signature, so a validator whose ring still holds
    /// the key rejects its tokens (<c>bad_signature</c>) rather than failing. Idempotent. A key made by
    /// <see cref="FromExternalSigner"/> releases its copy of the public key, never the signer.
    /// </summary>
    /// <remarks>
    /// Managed copies of secrets (an HMAC secret, an Ed25519 seed) are left to the garbage collector rather than zeroed: a sign
    /// or verify running at the same moment would otherwise compute with a half-zeroed key, and a MAC under a zero key is one
    /// anybody can forge.
    /// </remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            ReleaseResources();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Exports this key as Microsoft.IdentityModel's <see cref="JsonWebKey"/> with <c>kty</c>, <c>kid</c>, <c>alg</c> and <c>use</c>.</summary>
    /// <param name="includePrivateKey">Whether to include private members (<c>d</c>, <c>p</c>, <c>k</c>, ...).</param>
    /// <returns>A new JWK.</returns>
    /// <exception cref="InvalidOperationException">A symmetric key is exported without <paramref name="includePrivateKey"/>: it has no public form.</exception>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    public JsonWebKey ToJsonWebKey(bool includePrivateKey = false)
    {
        ThrowIfDisposed();
        var jwk = new JsonWebKey { Kid = KeyId, Alg = Algorithm.GetName(), Use = "sig" };
        WriteKeyMembers(jwk, includePrivateKey);
        return jwk;
    }

    /// <summary>Exports this key as JWK JSON text; see <see cref="ToJsonWebKey"/>.</summary>
    /// <param name="includePrivateKey">Whether to include private members.</param>
    /// <returns>The JWK as an indented JSON object.</returns>
    public string ToJwk(bool includePrivateKey = false) => JwkWriter.Write(ToJsonWebKey(includePrivateKey));

    /// <inheritdoc />
    public override string ToString() => $"{Algorithm.GetName()} key '{KeyId}'{(CanSign ? " (private)" : string.Empty)}";

    /// <summary>Checks a signature; <see langword="false"/> for any signature once the key is disposed, never an exception.</summary>
    internal abstract bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature);

    /// <summary>Signs into <paramref name="destination"/> (at least <see cref="SignatureSize"/> bytes) and returns the length.</summary>
    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    /// <exception cref="InvalidOperationException">The key signs through a remote signer only (<see cref="SignsSynchronously"/> is <see langword="false"/>).</exception>
    internal abstract int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination);

    /// <summary>
    /// Signs into <paramref name="destination"/> (at least <see cref="SignatureSize"/> bytes), awaiting a remote signer if the
    /// key has one; completes synchronously for every other key.
    /// </summary>
    internal virtual ValueTask<int> SignAsync(ReadOnlyMemory<byte> signingInput, Memory<byte> destination, CancellationToken cancellationToken)
        => new(Sign(signingInput.Span, destination.Span));

    /// <summary>Writes the public members of this key (<c>kty</c>, <c>n</c>/<c>e</c>, <c>crv</c>/<c>x</c>/<c>y</c>) into <paramref name="jwk"/>.</summary>
    internal void WritePublicMembers(JsonWebKey jwk)
    {
        ThrowIfDisposed();
        WriteKeyMembers(jwk, includePrivateKey: false);
    }

    private protected abstract void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey);

    /// <summary>Releases native resources; called once, by the first <see cref="Dispose()"/>, after the key is marked disposed.</summary>
    private protected virtual void ReleaseResources()
    {
    }

    /// <exception cref="ObjectDisposedException">The key has been disposed.</exception>
    private protected void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            ThrowDisposed();
        }
    }

    [DoesNotReturn]
    private protected void ThrowDisposed()
        => throw new ObjectDisposedException(nameof(SigningKey), $"The {Algorithm.GetName()} key '{KeyId}' has been disposed; it neither signs nor verifies.");

    internal static string RandomKeyId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64UrlStrict.Encode(bytes);
    }

    private protected static string ThumbprintKeyId(JsonWebKey publicJwk)
        => Base64UrlStrict.Encode(publicJwk.ComputeJwkThumbprint());
}
