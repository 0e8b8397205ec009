namespace JwtSessions.Dpop;

/// <summary>The members of a proof's <c>jwk</c> header that make and identify the key, as <see cref="DpopProofReader"/> found them.</summary>
internal record struct DpopJwk
{
    public bool IsPresent;
    public bool HasPrivateMember;
    public bool HasInvalidMember;
    public string? Kty;
    public string? Crv;
    public string? X;
    public string? Y;
    public string? N;
    public string? E;
}
