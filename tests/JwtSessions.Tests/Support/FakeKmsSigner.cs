using System.Security.Cryptography;
using JwtSessions.Signing;

namespace JwtSessions.Tests.Support;

/// <summary>
/// An <see cref="ExternalSigner"/> shaped like a cloud KMS: the private key stays inside it, it answers asynchronously, signs a
/// digest it computes itself (as a KMS client does with <c>MessageType.DIGEST</c>) and produces ECDSA signatures as DER, which
/// it converts with <see cref="ExternalSigner.ConvertDerToIeeeP1363"/>. <see cref="Fault"/> makes it misbehave as a broken or
/// misconfigured service would; <see cref="HoldUntilReleased"/> keeps a call pending until <see cref="Release"/>.
/// </summary>
internal sealed class FakeKmsSigner : ExternalSigner, IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly bool _synchronous;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    private FakeKmsSigner(JwtAlgorithm algorithm, string keyId, ECDsa? ecdsa, RSA? rsa, bool synchronous)
        : base(algorithm, keyId)
    {
        _ecdsa = ecdsa;
        _rsa = rsa;
        _synchronous = synchronous;
        PublicKey = ecdsa is not null
            ? SigningKey.CreateEcdsa(ecdsa.ExportParameters(includePrivateParameters: false), algorithm, keyId)
            : SigningKey.CreateRsa(rsa!.ExportParameters(includePrivateParameters: false), algorithm, keyId);
    }

    /// <summary>How the signer misbehaves.</summary>
    public enum Faults
    {
        /// <summary>Answers correctly.</summary>
        None,

        /// <summary>Flips one bit of a correct signature.</summary>
        FlipBit,

        /// <summary>Reports one byte fewer than the signature size.</summary>
        ShortLength,

        /// <summary>Answers with zeros (for ECDSA, r = s = 0: the "psychic signature").</summary>
        Zeros,

        /// <summary>Signs with another key of the same algorithm, as a signer pointed at the wrong KMS key would.</summary>
        OtherKey,

        /// <summary>Throws, as an unreachable service would.</summary>
        Unavailable,
    }

    /// <summary>Gets the public half, as the KMS's "get public key" call would return it. Owned (and disposed) by the signer.</summary>
    public SigningKey PublicKey { get; }

    public override bool SignsSynchronously => _synchronous;

    public Faults Fault { get; set; }

    /// <summary>Gets or sets a value indicating whether calls wait for <see cref="Release"/> (or their cancellation).</summary>
    public bool HoldUntilReleased { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets a task that completes when a held call has started waiting.</summary>
    public TaskCompletionSource Waiting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a signer with a fresh key for <paramref name="algorithm"/> (ES256/384/512, RS* or PS*).</summary>
    public static FakeKmsSigner Create(JwtAlgorithm algorithm, string keyId = "kms-key-1", bool synchronous = false)
        => algorithm switch
        {
            JwtAlgorithm.ES256 => new(algorithm, keyId, ECDsa.Create(ECCurve.NamedCurves.nistP256), null, synchronous),
            JwtAlgorithm.ES384 => new(algorithm, keyId, ECDsa.Create(ECCurve.NamedCurves.nistP384), null, synchronous),
            JwtAlgorithm.ES512 => new(algorithm, keyId, ECDsa.Create(ECCurve.NamedCurves.nistP521), null, synchronous),
            _ => new(algorithm, keyId, null, RSA.Create(2048), synchronous),
        };

    public void Release() => _gate.TrySetResult();

    public override async ValueTask<int> SignAsync(ReadOnlyMemory<byte> signingInput, Memory<byte> destination, CancellationToken cancellationToken)
    {
        // A network call: the caller's thread is released before anything is signed.
        await Task.Yield();
        if (HoldUntilReleased)
        {
            Waiting.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return SignCore(signingInput.Span, destination.Span);
    }

    public override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination)
        => _synchronous ? SignCore(signingInput, destination) : base.Sign(signingInput, destination);

    public void Dispose()
    {
        PublicKey.Dispose();
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }

    private int SignCore(ReadOnlySpan<byte> signingInput, Span<byte> destination)
    {
        Interlocked.Increment(ref _calls);
        if (Fault == Faults.Unavailable)
        {
            throw new HttpRequestException("The key service is unavailable.");
        }

        var hashName = HashOf(Algorithm);
        Span<byte> digest = stackalloc byte[64];
        digest = digest[..CryptographicOperations.HashData(hashName, signingInput, digest)];
        int written;
        if (_ecdsa is not null)
        {
            using var other = Fault == Faults.OtherKey ? ECDsa.Create(_ecdsa.ExportParameters(false).Curve) : null;
            var der = (other ?? _ecdsa).SignHash(digest.ToArray(), DSASignatureFormat.Rfc3279DerSequence);
            written = ConvertDerToIeeeP1363(der, Algorithm, destination);
        }
        else
        {
            using var other = Fault == Faults.OtherKey ? RSA.Create(2048) : null;
            var padding = Algorithm is JwtAlgorithm.PS256 or JwtAlgorithm.PS384 or JwtAlgorithm.PS512 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
            written = (other ?? _rsa!).SignHash(digest, destination, hashName, padding);
        }

        switch (Fault)
        {
            case Faults.FlipBit:
                destination[written / 2] ^= 0x01;
                break;
            case Faults.ShortLength:
                written--;
                break;
            case Faults.Zeros:
                destination[..written].Clear();
                break;
        }

        return written;
    }

    private static HashAlgorithmName HashOf(JwtAlgorithm algorithm) => algorithm switch
    {
        JwtAlgorithm.ES256 or JwtAlgorithm.RS256 or JwtAlgorithm.PS256 => HashAlgorithmName.SHA256,
        JwtAlgorithm.ES384 or JwtAlgorithm.RS384 or JwtAlgorithm.PS384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };
}
