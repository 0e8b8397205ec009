using System.Formats.Asn1;
using System.Security.Cryptography;

namespace JwtSessions.Signing;

/// <summary>
/// Signs with a private key JwtSessions never holds: one in a hardware security module, a cloud key management service
/// (Azure Key Vault, AWS KMS, Google Cloud KMS) or a PKCS#11 token. Wrap one with <see cref="SigningKey.FromExternalSigner"/>
/// and the public half of its key to make a <see cref="SigningKey"/> that a <see cref="KeyRing"/> can hold as its active key.
/// </summary>
/// <remarks>
/// <para>
/// A remote signer implements <see cref="SignAsync"/> only; tokens are then minted with
/// <see cref="Issuance.TokenIssuer.IssueAsync"/>, and the synchronous <see cref="Issuance.TokenIssuer.Issue"/> throws
/// <see cref="InvalidOperationException"/>. A signer that answers in-process (a PKCS#11 library loaded into the process) also
/// overrides <see cref="SignsSynchronously"/> and <see cref="Sign"/>, and then serves both.
/// </para>
/// <para>
/// Signatures are in their JWS form (RFC 7518 §3): the RSA signature as it is for RS* and PS* (PSS with a salt as long as the
/// hash, which is what KMSes use), and for ES* the IEEE P1363 concatenation r || s, each at the curve's size. KMSes return
/// ECDSA signatures as DER; <see cref="ConvertDerToIeeeP1363"/> converts them. The library verifies every signature with the
/// key's public half before it issues a token, so a signer that answers with a wrong or malformed signature makes issuance
/// throw <see cref="CryptographicException"/> and never produces a token that would not validate
/// (docs/design/signing.md).
/// </para>
/// <para>
/// Never log the signing input: it is the token without its signature.
/// </para>
/// </remarks>
/// <threadsafety>Implementations must allow any number of concurrent calls: one signer serves every thread of an issuer.</threadsafety>
public abstract class ExternalSigner
{
    /// <summary>Initializes a new instance of the <see cref="ExternalSigner"/> class.</summary>
    /// <param name="algorithm">The one algorithm the signer's key signs with; it must match the public key's.</param>
    /// <param name="keyId">The key id tokens name the key by (their <c>kid</c>); it must match the public key's.</param>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not a defined value.</exception>
    protected ExternalSigner(JwtAlgorithm algorithm, string keyId)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        _ = algorithm.GetName();
        Algorithm = algorithm;
        KeyId = keyId;
    }

    /// <summary>Gets the algorithm the signer's key signs with.</summary>
    public JwtAlgorithm Algorithm { get; }

    /// <summary>Gets the key id of the signer's key.</summary>
    public string KeyId { get; }

    /// <summary>
    /// Gets a value indicating whether <see cref="Sign"/> is implemented, so the key also signs for the synchronous
    /// <see cref="Issuance.TokenIssuer.Issue"/>. <see langword="false"/> by default: a remote signer must not block a thread on
    /// the network. Read once, when <see cref="SigningKey.FromExternalSigner"/> makes the key.
    /// </summary>
    public virtual bool SignsSynchronously => false;

    /// <summary>
    /// Converts an ECDSA signature from the DER <c>SEQUENCE { r INTEGER, s INTEGER }</c> that KMSes and PKCS#11 wrappers
    /// return (RFC 3279 §2.2.3) to the JWS form, r || s with each value left-padded to the curve's size (RFC 7518 §3.4).
    /// </summary>
    /// <param name="derSignature">The DER signature, exactly: no trailing bytes.</param>
    /// <param name="algorithm">ES256, ES384 or ES512.</param>
    /// <param name="destination">At least 64, 96 or 132 bytes; the destination <see cref="SignAsync"/> receives is exactly that.</param>
    /// <returns>The number of bytes written: 64, 96 or 132.</returns>
    /// <exception cref="ArgumentException">The algorithm is not ECDSA, or <paramref name="destination"/> is too small.</exception>
    /// <exception cref="CryptographicException">
    /// The input is not strict DER of two non-negative integers that fit the curve (no BER, no trailing data).
    /// </exception>
    public static int ConvertDerToIeeeP1363(ReadOnlySpan<byte> derSignature, JwtAlgorithm algorithm, Span<byte> destination)
    {
        var fieldSize = algorithm switch
        {
            JwtAlgorithm.ES256 => 32,
            JwtAlgorithm.ES384 => 48,
            JwtAlgorithm.ES512 => 66,
            _ => throw new ArgumentException($"{algorithm} is not an ECDSA algorithm; only ES256, ES384 and ES512 signatures are DER-encoded.", nameof(algorithm)),
        };
        if (destination.Length < 2 * fieldSize)
        {
            throw new ArgumentException($"An {algorithm.GetName()} signature needs {2 * fieldSize} bytes.", nameof(destination));
        }

        try
        {
            AsnDecoder.ReadSequence(derSignature, AsnEncodingRules.DER, out var contentOffset, out var contentLength, out var consumed);
            if (consumed != derSignature.Length)
            {
                throw new CryptographicException("The DER ECDSA signature has bytes after its SEQUENCE.");
            }

            var content = derSignature.Slice(contentOffset, contentLength);
            var r = AsnDecoder.ReadIntegerBytes(content, AsnEncodingRules.DER, out var rLength);
            content = content[rLength..];
            var s = AsnDecoder.ReadIntegerBytes(content, AsnEncodingRules.DER, out var sLength);
            if (sLength != content.Length)
            {
                throw new CryptographicException("The DER ECDSA signature has more than two INTEGERs.");
            }

            WriteFixed(r, destination[..fieldSize]);
            WriteFixed(s, destination[fieldSize..(2 * fieldSize)]);
            return 2 * fieldSize;
        }
        catch (AsnContentException ex)
        {
            throw new CryptographicException("The ECDSA signature is not a strict DER SEQUENCE of two INTEGERs.", ex);
        }
    }

    /// <summary>
    /// Signs <paramref name="signingInput"/> (the ASCII bytes of <c>header.payload</c>, RFC 7515 §5.1) with the signer's key.
    /// </summary>
    /// <param name="signingInput">The JWS signing input, unhashed: hash it (SHA-256, -384 or -512, as the algorithm names) if the service signs digests.</param>
    /// <param name="destination">Exactly the algorithm's signature size: the RSA modulus length, or 64, 96 or 132 bytes for ES256, ES384, ES512.</param>
    /// <param name="cancellationToken">Cancels the call; pass it on to the service's client.</param>
    /// <returns>The number of bytes written, which must be the whole of <paramref name="destination"/>.</returns>
    public abstract ValueTask<int> SignAsync(ReadOnlyMemory<byte> signingInput, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>
    /// Signs without blocking on I/O, for a signer whose key is in-process (override <see cref="SignsSynchronously"/> too).
    /// The default throws <see cref="NotSupportedException"/>.
    /// </summary>
    /// <param name="signingInput">The JWS signing input, unhashed.</param>
    /// <param name="destination">Exactly the algorithm's signature size.</param>
    /// <returns>The number of bytes written, which must be the whole of <paramref name="destination"/>.</returns>
    /// <exception cref="NotSupportedException">The signer has no synchronous path.</exception>
    public virtual int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination)
        => throw new NotSupportedException($"This signer has no synchronous path; {nameof(SignsSynchronously)} is false.");

    /// <summary>A DER INTEGER's content as an unsigned big-endian number of exactly <paramref name="destination"/>'s length.</summary>
    private static void WriteFixed(ReadOnlySpan<byte> integer, Span<byte> destination)
    {
        // DER integers are minimal two's complement: a positive value with its top bit set carries one leading zero byte.
        if ((integer[0] & 0x80) != 0)
        {
            throw new CryptographicException("An ECDSA signature value is negative.");
        }

        if (integer.Length > 1 && integer[0] == 0)
        {
            integer = integer[1..];
        }

        if (integer.Length > destination.Length)
        {
            throw new CryptographicException("An ECDSA signature value is larger than the curve.");
        }

        destination[..^integer.Length].Clear();
        integer.CopyTo(destination[^integer.Length..]);
    }
}
