namespace JwtSessions.Internal;

/// <summary>
/// The member order and spelling of the payloads <see cref="Issuance.TokenIssuer"/> writes, described once: the issuer writes
/// these prefixes in this order, and <see cref="FlatPayloadScanner"/>'s issuer-layout lane reads them in the same order, each
/// as one comparison (docs/validation.md, step 16). Changing a member here changes both sides together;
/// <c>ScanIssuerLayout_EveryPayloadShapeTheIssuerWrites_…</c> checks that the lane still reads every shape to its end.
/// </summary>
/// <remarks>
/// The order is <c>{"iss":…,"sub":…,"aud":…,"exp":…,"iat":…,"nbf":…,"jti":…</c>, then <c>sid</c>, <c>gen</c>, <c>scope</c>,
/// <c>client_id</c> and <c>cnf</c> when present, then any custom claims. Each prefix but the first starts with the comma that separates it
/// from the previous member.
/// </remarks>
internal static class IssuerPayloadLayout
{
    /// <summary>Gets the opening brace of the payload.</summary>
    public static ReadOnlySpan<byte> Open => "{"u8;

    /// <summary>Gets the first member's name, right after <see cref="Open"/>.</summary>
    public static ReadOnlySpan<byte> Iss => "\"iss\":"u8;

    public static ReadOnlySpan<byte> Sub => ",\"sub\":"u8;

    public static ReadOnlySpan<byte> Aud => ",\"aud\":"u8;

    public static ReadOnlySpan<byte> Exp => ",\"exp\":"u8;

    public static ReadOnlySpan<byte> Iat => ",\"iat\":"u8;

    public static ReadOnlySpan<byte> Nbf => ",\"nbf\":"u8;

    public static ReadOnlySpan<byte> Jti => ",\"jti\":"u8;

    /// <summary>Gets the optional members' names, in their order; each is written only when the token has it.</summary>
    public static ReadOnlySpan<byte> Sid => ",\"sid\":"u8;

    public static ReadOnlySpan<byte> Gen => ",\"gen\":"u8;

    public static ReadOnlySpan<byte> Scope => ",\"scope\":"u8;

    public static ReadOnlySpan<byte> ClientId => ",\"client_id\":"u8;

    /// <summary>
    /// Gets the opening of a DPoP-bound token's confirmation (RFC 9449 §6.1), up to the thumbprint's string; the issuer closes
    /// the object after it. The scanner's lane stops here, and its general loop declines the member, so only bound tokens are
    /// read by the full reader.
    /// </summary>
    public static ReadOnlySpan<byte> Cnf => ",\"cnf\":{\"jkt\":"u8;
}
