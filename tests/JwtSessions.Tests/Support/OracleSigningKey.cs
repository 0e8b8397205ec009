using JwtSessions.Signing;
using Microsoft.IdentityModel.Tokens;

namespace JwtSessions.Tests.Support;

/// <summary>
/// A key whose verification answer the test sets (<see cref="Answer"/>) and which records what it was asked, so a test can
/// see whether a caller decides a signature through the key or by itself. Signs as <paramref name="inner"/>.
/// </summary>
internal sealed class OracleSigningKey(SigningKey inner) : SigningKey(inner.Algorithm, inner.KeyId)
{
    /// <summary>Gets or sets what <see cref="VerifySignature"/> answers.</summary>
    public bool Answer { get; set; }

    /// <summary>Gets how many times the key was asked to verify.</summary>
    public int Calls { get; private set; }

    /// <summary>Gets the signature bytes of the last question.</summary>
    public byte[] LastSignature { get; private set; } = [];

    public override bool CanSign => true;

    internal override int SignatureSize => inner.SignatureSize;

    public override SigningKey ToPublicKey() => throw new NotSupportedException("A test key has no public half.");

    internal override bool VerifySignature(ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        Calls++;
        LastSignature = signature.ToArray();
        return Answer;
    }

    internal override int Sign(ReadOnlySpan<byte> signingInput, Span<byte> destination) => inner.Sign(signingInput, destination);

    private protected override void WriteKeyMembers(JsonWebKey jwk, bool includePrivateKey)
        => throw new NotSupportedException("A test key is never exported.");
}
