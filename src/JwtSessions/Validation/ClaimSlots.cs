namespace JwtSessions.Validation;

/// <summary>
/// What one pass over a verified payload found: the numeric claims as Unix milliseconds and, for the others, where their JSON
/// value starts in the payload (the opening quote or bracket). Both payload readers fill it, so every check after them is shared.
/// </summary>
internal record struct ClaimSlots
{
    /// <summary>Marks an absent numeric claim.</summary>
    public const long Missing = long.MinValue;

    public long Exp;
    public long Nbf;
    public long Iat;
    public long Gen;
    public int Iss;
    public int Sub;
    public int Jti;
    public int Sid;
    public int Scope;
    public int ClientId;
    public int Aud;
    public bool IssuerMatches;
    public bool AudienceMatches;

    /// <summary>Gets slots with every claim absent.</summary>
    public static ClaimSlots Empty => new()
    {
        Exp = Missing,
        Nbf = Missing,
        Iat = Missing,
        Gen = Missing,
        Iss = -1,
        Sub = -1,
        Jti = -1,
        Sid = -1,
        Scope = -1,
        ClientId = -1,
        Aud = -1,
    };
}
