namespace JwtSessions.Validation;

/// <summary>
/// What one pass over a verified payload found: the numeric claims as Unix milliseconds and, for the others, where their JSON
/// value is in the payload. Both payload readers fill it, so every check after them is shared.
/// </summary>
internal record struct ClaimSlots
{
    /// <summary>Marks an absent numeric claim.</summary>
    public const long Missing = long.MinValue;

    public long Exp;
    public long Nbf;
    public long Iat;
    public long Gen;
    public StringClaim Iss;
    public StringClaim Sub;
    public StringClaim Jti;
    public StringClaim Sid;
    public StringClaim Scope;
    public StringClaim ClientId;

    /// <summary>Where the <c>aud</c> value starts (its opening quote or bracket), or -1.</summary>
    public int Aud;
    public bool IssuerMatches;
    public bool AudienceMatches;

    /// <summary>
    /// Whether the token has a <c>cnf</c> claim: it is bound to a key and is never a bearer token. A flag only, which fits the
    /// padding after the other flags (so it stays last): the claims of every token stay as large as before, and a bound token's
    /// <c>cnf.jkt</c> is read from the payload when asked (<see cref="TokenClaims.KeyThumbprint"/>).
    /// </summary>
    public bool Bound;

    /// <summary>Gets slots with every claim absent.</summary>
    public static ClaimSlots Empty => new()
    {
        Exp = Missing,
        Nbf = Missing,
        Iat = Missing,
        Gen = Missing,
        Iss = StringClaim.Absent,
        Sub = StringClaim.Absent,
        Jti = StringClaim.Absent,
        Sid = StringClaim.Absent,
        Scope = StringClaim.Absent,
        ClientId = StringClaim.Absent,
        Aud = -1,
    };
}
