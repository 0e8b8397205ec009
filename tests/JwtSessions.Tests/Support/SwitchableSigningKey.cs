using System.Security.Cryptography;
using JwtSessions.Signing;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Support;

/// <summary>A key that signs and verifies as <paramref name="inner"/> until <see cref="Broken"/> is set, then fails to sign.</summary>
internal sealed class SwitchableSigningKey(SigningKey inner) : SigningKey(inner.Algorithm, inner.KeyId)
{
    /// <summary>Gets or sets a value indicating whether signing throws, as an unusable hardware or remote key would.</summary>
    public bool Broken { get; set; }

    public override bool CanSign => true;

    internal override int SignatureSize => inner.SignatureSize;

    public override SigningKey ToPublicKey() => inner.ToPublicKey();

    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
        => inner.VerifySignature(signingInput, signature);

    internal override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination)
        => Broken ? throw new CryptographicException("The signing key is unusable.") : inner.Sign(signingInput, destination);

    private protected override void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey)
        => throw new NotSupportedException("A test key is never exported.");
}
