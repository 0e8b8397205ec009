using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Signing;

/// <summary>
/// A key whose private half is elsewhere: it signs through an <see cref="ExternalSigner"/> and verifies with its own copy of
/// the public key. Every signature the signer returns is verified before it leaves this type (fail closed,
/// docs/design/signing.md).
/// </summary>
internal sealed class ExternalSigningKey : SigningKey
{
    private readonly SigningKey _publicKey;
    private readonly ExternalSigner _signer;
    private readonly bool _signsSynchronously;

    private ExternalSigningKey(SigningKey publicKey, ExternalSigner signer, bool signsSynchronously)
        : base(publicKey.Algorithm, publicKey.KeyId)
    {
        _publicKey = publicKey;
        _signer = signer;
        _signsSynchronously = signsSynchronously;
        SignatureSize = publicKey.SignatureSize;
    }

    public override bool CanSign => true;

    internal override int SignatureSize { get; }

    internal override bool SignsSynchronously => _signsSynchronously;

    public static ExternalSigningKey Create(SigningKey publicKey, ExternalSigner signer)
    {
        if (publicKey.KeyType == SigningKeyType.Symmetric)
        {
            throw new InvalidSigningKeyException(
                $"An external signer needs an asymmetric key; {publicKey.Algorithm.GetName()} is a shared secret, with no public half to verify its signatures with.");
        }

        if (publicKey.CanSign)
        {
            throw new InvalidSigningKeyException(
                $"The key '{publicKey.KeyId}' holds a private key; pass its public half (ToPublicKey()), since the private key belongs to the external signer.");
        }

        if (signer.Algorithm != publicKey.Algorithm)
        {
            throw new InvalidSigningKeyException(
                $"The external signer signs with {signer.Algorithm.GetName()} but the public key is bound to {publicKey.Algorithm.GetName()} (RFC 8725 §3.1).");
        }

        if (!string.Equals(signer.KeyId, publicKey.KeyId, StringComparison.Ordinal))
        {
            throw new InvalidSigningKeyException(
                $"The external signer's key id '{signer.KeyId}' differs from the public key's '{publicKey.KeyId}'.");
        }

        // A copy the new key owns, so that the caller's key and this one can be disposed independently.
        return new ExternalSigningKey(publicKey.ToPublicKey(), signer, signer.SignsSynchronously);
    }

    public override SigningKey ToPublicKey()
    {
        ThrowIfDisposed();
        return _publicKey.ToPublicKey();
    }

    public override string ToString() => $"{Algorithm.GetName()} key '{KeyId}' (external signer)";

    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
        => !IsDisposed && _publicKey.VerifySignature(signingInput, signature);

    internal override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination)
    {
        ThrowIfDisposed();
        if (!_signsSynchronously)
        {
            throw new InvalidOperationException(
                $"The key '{KeyId}' signs through a remote external signer, which has no synchronous path: mint with TokenIssuer.IssueAsync.");
        }

        var signature = destination[..SignatureSize];
        return Checked(signingInput, signature, _signer.Sign(signingInput, signature));
    }

    internal override ValueTask<int> SignAsync(ReadOnlyMemory<byte> signingInput, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return _signsSynchronously
            ? new(Sign(signingInput.Span, destination.Span))
            : SignRemoteAsync(signingInput, destination[..SignatureSize], cancellationToken);
    }

    private protected override void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey)
        => _publicKey.WritePublicMembers(jwk); // The private key is the signer's: there is nothing private to write.

    private protected override void ReleaseResources()
        => _publicKey.Dispose(); // Never the signer: its creator owns it (it may serve other keys or hold a shared client).

    private async ValueTask<int> SignRemoteAsync(ReadOnlyMemory<byte> signingInput, Memory<byte> signature, CancellationToken cancellationToken)
    {
        var written = await _signer.SignAsync(signingInput, signature, cancellationToken).ConfigureAwait(false);
        return Checked(signingInput.Span, signature.Span, written);
    }

    /// <summary>
    /// Verify-after-sign: the signature must be exactly the algorithm's size and verify with the public key, else nothing is
    /// issued. Catches a signer bound to another key, a truncated, DER-encoded or corrupted answer, and a key disposed while
    /// the signer was working (its verification rejects everything).
    /// </summary>
    /// <exception cref="CryptographicException">The signature does not verify.</exception>
    private int Checked(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature, int written)
    {
        if (written != SignatureSize || !VerifySignature(signingInput, signature))
        {
            ThrowIfDisposed();
            throw new CryptographicException(
                $"The external signer of key '{KeyId}' returned a signature that does not verify with the key's public half ({written} bytes; {SignatureSize} expected); no token was issued.");
        }

        return written;
    }
}
